/**
 * Sending, editing and reacting in one encrypted room ({@linkcode E2eRoomActions}): each builds
 * the entry's {@linkcode E2eContent}, has the room's group encrypt it, and hands the payload to
 * the chat client (the outbox for a message, the action sender for an edit or a reaction).
 * Nothing of the text, the emoji, the quote or the files' names leaves in clear. Part of the lazy
 * E2E chunk.
 *
 * @module
 */
import type { Attachment } from "../../lib/common/attachments.ts";
import { type E2eContent, type E2eFile, replyQuote } from "../../lib/common/e2e/e2e_content.ts";
import type { SealedAttachment } from "../../lib/common/e2e/e2e_file.ts";
import type { ChatMessage, E2ePayload } from "../../lib/common/protocol.ts";
import { type ChatClient, sendProblem, textProblem } from "../chat_client.ts";
import type { E2eRoomActions } from "../e2e_view.ts";
import { queueEncrypted } from "./queue_encrypted.ts";

/** The actions of room `room`, encrypting with `encrypt` (the room reader's group). */
export function roomActions(
  room: string,
  client: ChatClient,
  encrypt: (content: E2eContent) => Promise<E2ePayload>,
): E2eRoomActions {
  const sendAction = (type: "edit" | "react", target: number, content: E2eContent) => {
    encrypt(content).then((payload) => {
      const e2e = { kind: "message" as const, data: payload.data };
      client.sendAction(
        type === "edit" ? { type, room, target, text: "", e2e } : { type, room, target, e2e },
      );
    }, (error) => console.error("e2e: encrypting an action failed", error));
  };
  return {
    send(text: string, replyTo: ChatMessage | null, files?: Attachment[]) {
      const sealed = files?.map((file) => (file as Partial<SealedAttachment>).sealed);
      // A file uploaded in clear (chosen before the room was known to be encrypted) is never
      // named in an encrypted message: it would tell the server what was sent.
      if (sealed?.some((file) => file === undefined)) return { key: "e2e.notSealed" };
      const reply = replyTo && {
        seq: replyTo.seq,
        from: replyTo.from,
        author: replyTo.author,
        quote: replyQuote(replyTo.text),
      };
      const withFiles = sealed?.length ? { files: sealed as E2eFile[] } : {};
      const problem = sendProblem(text, files);
      if (problem) return problem;
      queueEncrypted(
        client,
        room,
        encrypt({ v: 1, text, ...(reply ? { reply } : {}), ...withFiles }),
        text,
        files?.map(({ id, name, size, type, width, height }) => ({
          id,
          name,
          size,
          type,
          ...(width ? { width, height: height! } : {}),
        })),
      );
      // The message ends the typing notice: the next keystroke announces typing again.
      client.composing(room, "");
      return null;
    },
    edit(seq: number, text: string) {
      const problem = textProblem(text);
      if (problem) return problem;
      sendAction("edit", seq, { v: 1, text, edit: seq });
      return null;
    },
    react(seq: number, emoji: string, on: boolean) {
      sendAction("react", seq, { v: 1, reaction: { seq, emoji, on } });
    },
  };
}
