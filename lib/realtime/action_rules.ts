/**
 * Who may edit, delete, react to and reply to which message: the checks a connection runs
 * before handing an action (or a reply) to the writer. Each refusal is an `error` frame with
 * its own code, and changes nothing.
 *
 * Checked here, against the target as stored: it exists in this room and is a user message
 * (not a system message, not an action entry); edits only by its sender, while it is not
 * deleted and has fewer than {@linkcode MAX_EDITS} edits (encrypted ones counted too);
 * deletes by its sender, or by the room's owner or an admin; reactions while it is not deleted
 * and within the caps (for encrypted ones, which the server cannot read: at most
 * {@linkcode MAX_E2E_REACTION_ENTRIES} per message, each at most
 * {@linkcode MAX_E2E_REACTION_PAYLOAD} characters). Membership
 * and mutes are the connection's posting check, made before these.
 *
 * @module
 */
import type { PublicUser } from "../common/api_types.ts";
import {
  type ChatMessage,
  type ClientFrame,
  type ErrorCode,
  isActionEntry,
  MAX_E2E_REACTION_ENTRIES,
  MAX_E2E_REACTION_PAYLOAD,
  MAX_EDITS,
  MAX_REACTION_EMOJI,
  MAX_REACTIONS,
  type ReplyPreview,
} from "../common/protocol.ts";
import { replyPreviewOf } from "../common/message_gist.ts";
import { isManager, type Role } from "../common/room_roles.ts";
import type { MessageDraft } from "../messages/message_store.ts";

/** An edit, delete or react frame. */
export type ActionFrame = Extract<ClientFrame, { type: "edit" | "delete" | "react" }>;

/** Why an action or a reply is refused. */
export interface ActionRefusal {
  code: ErrorCode;
  message: string;
}

/** What the rules read. */
export interface ActionRuleDeps {
  /** The message at `seq` in `room`, current state; null when none. */
  get(room: string, seq: number): Promise<ChatMessage | null>;
  /** The user's role in the room (only read to delete someone else's message). */
  readRole(room: string, userId: string): Promise<Role>;
}

const noSuchMessage: ActionRefusal = {
  code: "no_such_message",
  message: "there is no such message in this room",
};

/** The draft of an allowed action, or why it is refused. */
export async function checkAction(
  frame: ActionFrame,
  user: PublicUser,
  deps: ActionRuleDeps,
): Promise<MessageDraft | ActionRefusal> {
  const target = await deps.get(frame.room, frame.target);
  if (!target || isActionEntry(target)) return noSuchMessage;
  if (target.kind === "system") {
    return { code: "not_allowed", message: "system messages cannot be changed" };
  }
  // Devices that have not read a commit yet need it to follow the group, and new ones their
  // Welcome: deleting it would lock them out of every later message.
  if (target.e2e?.kind === "commit") {
    return { code: "not_allowed", message: "encryption key changes cannot be changed" };
  }
  if (target.deleted) return { code: "no_such_message", message: "the message was deleted" };
  const own = target.from === user.id;
  const base = {
    room: frame.room,
    from: user.id,
    author: user.name,
    clientId: frame.clientId,
    target: frame.target,
  };
  switch (frame.type) {
    case "edit":
      if (!own) return { code: "not_allowed", message: "you can only edit your own messages" };
      if ((target.versions ?? 0) >= MAX_EDITS) {
        return { code: "too_many_edits", message: `a message can be edited ${MAX_EDITS} times` };
      }
      // An encrypted edit: the server cannot read it, so it keeps the entry and leaves the
      // target as it is; the members' devices apply it (only the sender's, as here).
      if (frame.e2e) return { ...base, kind: "edit", text: "", e2e: frame.e2e };
      return { ...base, kind: "edit", text: frame.text };
    case "delete":
      if (!own && !isManager(await deps.readRole(frame.room, user.id))) {
        return {
          code: "not_allowed",
          message: "only the sender, the owner or an admin can delete a message",
        };
      }
      return { ...base, kind: "delete", text: "" };
    case "react": {
      // An encrypted reaction's emoji is unknown here: the devices keep the tally and its caps;
      // the server bounds how many entries a message gathers, and each one's size.
      if (frame.e2e) {
        if ((target.reactionEntries ?? 0) >= MAX_E2E_REACTION_ENTRIES) {
          return { code: "too_many_reactions", message: "this message has too many reactions" };
        }
        if (frame.e2e.data.length > MAX_E2E_REACTION_PAYLOAD) {
          return {
            code: "bad_frame",
            message: `an encrypted reaction is at most ${MAX_E2E_REACTION_PAYLOAD} characters`,
          };
        }
        return { ...base, kind: "reaction", text: "", e2e: frame.e2e };
      }
      const reactions = target.reactions ?? [];
      const known = reactions.some((reaction) => reaction.emoji === frame.emoji);
      const total = reactions.reduce((sum, reaction) => sum + reaction.users.length, 0);
      if (
        frame.on && ((!known && reactions.length >= MAX_REACTION_EMOJI) || total >= MAX_REACTIONS)
      ) {
        return { code: "too_many_reactions", message: "this message has too many reactions" };
      }
      return { ...base, kind: "reaction", text: "", emoji: frame.emoji, on: frame.on };
    }
  }
}

/** The quote of the message a send replies to, or why the reply is refused. */
export async function replyPreview(
  room: string,
  seq: number,
  deps: Pick<ActionRuleDeps, "get">,
): Promise<ReplyPreview | ActionRefusal> {
  const original = await deps.get(room, seq);
  if (!original || isActionEntry(original) || original.kind === "system" || original.deleted) {
    return noSuchMessage;
  }
  return replyPreviewOf(original);
}

/** True for a value {@linkcode checkAction} or {@linkcode replyPreview} refused. */
export function isRefusal(value: object): value is ActionRefusal {
  return "code" in value && !("room" in value) && !("seq" in value);
}
