/**
 * The messages of an encrypted room as the timeline shows them (see {@linkcode shownMessages}),
 * apart from `e2e_view.ts` so that only the lazily loaded message list carries it.
 *
 * @module
 */
import type { Attachment } from "../lib/common/attachments.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { E2eRoomView, E2eShown } from "./e2e_view.ts";

/** The words an encrypted entry shows when it has no text to show. */
export interface E2eNotices {
  couldNotDecrypt: string;
  beforeJoin: string;
  /** A commit this device rejected (it is shown, under its sender's name). */
  badHandshake: string;
  /** A commit whose Welcome this device could not process (it asked to be added again). */
  badWelcome: string;
  waiting: string;
}

/**
 * The messages of an encrypted room as the timeline shows them: each with the text this device
 * read, or a notice ("could not decrypt", "from before this device joined", "waiting for
 * keys"); commits (devices added or removed) are left out, but for one this device rejected
 * as malformed, or whose Welcome it could not process, which shows as a notice under its
 * sender's name. A read message shows what travelled
 * inside it like a plain message's: its reply quote, its files (only those the server stored
 * under it), and the edits and reactions this device decrypted.
 */
export function shownMessages(
  messages: readonly ChatMessage[],
  view: E2eRoomView,
  notices: E2eNotices,
): ChatMessage[] {
  return messages.flatMap((message) => {
    if (!message.e2e || message.deleted) return [message];
    const shown = view.shown.get(message.seq);
    if (shown?.kind === "bad_handshake") return [{ ...message, text: notices.badHandshake }];
    if (shown?.kind === "bad_welcome") return [{ ...message, text: notices.badWelcome }];
    if (message.e2e.kind === "commit" || shown?.kind === "commit") return [];
    if (shown?.kind === "text") return [readMessage(message, shown)];
    const text = shown?.kind === "undecryptable"
      ? notices.couldNotDecrypt
      : shown?.kind === "before_join"
      ? notices.beforeJoin
      : notices.waiting;
    return [{ ...message, text }];
  });
}

/** `message` as the timeline shows it, from what this device read of it. */
function readMessage(
  message: ChatMessage,
  shown: Extract<E2eShown, { kind: "text" }>,
): ChatMessage {
  const read: ChatMessage = { ...message, text: shown.text };
  if (shown.editedAt !== undefined) read.editedAt = shown.editedAt;
  if (shown.reactions?.length) read.reactions = shown.reactions;
  if (shown.reply) {
    const { seq, from, author, quote } = shown.reply;
    read.replyTo = { seq, from, author, excerpt: quote };
  }
  // A file the server did not store under this message cannot be fetched through it.
  const stored = new Set(message.attachments?.map((file) => file.id));
  const files = shown.files?.filter((file) => stored.has(file.id)).map((file): Attachment => ({
    id: file.id,
    name: file.name,
    size: file.size,
    type: file.type,
    ...(file.width ? { width: file.width, height: file.height! } : {}),
  }));
  if (files?.length) read.attachments = files;
  else delete read.attachments;
  return read;
}
