/**
 * The message store interface: durable per-room logs with gap-free sequence numbers and
 * idempotent appends. `message_store_kv.ts` implements it on Deno KV; every implementation must
 * pass `tests/message_store_conformance.ts`.
 *
 * @module
 */
import type { LastMessage } from "../common/api_types.ts";
import type {
  ChatMessage,
  E2ePayload,
  MessageActionKind,
  MessageVersion,
  ReplyPreview,
  RoomEvent,
} from "../common/protocol.ts";
import type { Attachment } from "../common/attachments.ts";

/** A message to append, before it has a seq and an id. */
export interface MessageDraft {
  room: string;
  /** Sender's user id, from the session. */
  from: string;
  /** Sender's username. */
  author: string;
  /** Sender-chosen idempotency key, unique per (room, sender). */
  clientId: string;
  /** The text; an edit's new text (kept in the target, never in the action entry). */
  text: string;
  /**
   * `"system"` for a room event written by the server; an action kind for an edit, delete or
   * reaction of the message at `target`; see `ChatMessage.kind`.
   */
  kind?: "system" | MessageActionKind;
  /** What a system message tells; see `ChatMessage.event`. */
  event?: RoomEvent;
  /**
   * Files attached, as the server checked them; see `ChatMessage.attachments`. The append
   * records that the message uses each file (and thumbnail), in the same commit.
   */
  attachments?: Attachment[];
  /** Ids of the members the text mentions; see `ChatMessage.mentions`. */
  mentions?: string[];
  /** Action drafts: the seq of the message they change, in the same room. */
  target?: number;
  /** Reaction drafts: the emoji, and whether it is added or removed. */
  emoji?: string;
  on?: boolean;
  /** The quoted original of a reply, built and checked by the caller. */
  replyTo?: ReplyPreview;
  /** Encrypted rooms: the MLS payload, stored as given; `text` is then "". */
  e2e?: E2ePayload;
}

/** What an append produced for one draft. */
export interface AppendResult {
  /** The stored message: new, or the one stored earlier under the same clientId. */
  message: ChatMessage;
  /** True when the clientId had been stored before and nothing new was written. */
  duplicate: boolean;
  /**
   * The members whose conversation activity entries this append wrote for the message's room
   * (`lib/rooms/conversation_index.ts`): set on one result of such a room, at most once per
   * `ACTIVITY_REFRESH_MS` per room and store, never for a room too big for the index. Those
   * members are told the room has news (`activity`) on their sockets not following it.
   */
  activityFor?: readonly string[];
}

/** Durable, ordered, idempotent message log per room. */
export interface MessageStore {
  /**
   * Stores drafts durably, in order, and returns one result per draft in the same order.
   * Each room's seqs stay strictly increasing and gap-free even when several processes append
   * to the same room at the same moment. A draft whose (room, from, clientId) was stored
   * before yields the stored message with `duplicate: true` and writes nothing.
   *
   * A draft with files ({@linkcode checksAuthor}) is stored only while its author's account
   * exists and is not being deleted, checked in the commit that stores it; otherwise the call
   * rejects with {@linkcode AuthorGoneError}. Drafts of the call stored by an earlier commit
   * (a call too big for one) stay stored: appending them again answers them as duplicates.
   */
  append(drafts: readonly MessageDraft[]): Promise<AppendResult[]>;
  /** Up to `limit` messages with seq greater than `afterSeq`, ascending. */
  after(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]>;
  /** The last `limit` messages with seq below `beforeSeq` (or the newest), ascending. */
  before(room: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]>;
  /** The last seq stored in the room; 0 when it has none. */
  head(room: string): Promise<number>;
  /**
   * The last seq stored in each of `rooms`, in their order (0 for a room with none): an
   * action's too, which {@linkcode lastMessages} does not count.
   */
  heads(rooms: readonly string[]): Promise<number[]>;
  /**
   * The summary of each room's newest message, in the order of `rooms`; `null` for a room
   * with none. It is stored with the append itself, so it never lags behind the log.
   */
  lastMessages(rooms: readonly string[]): Promise<(LastMessage | null)[]>;
}

/** Reads of single messages, which the checks of edits, deletes, reactions and replies need. */
export interface MessageLookup {
  /** The message at `seq` in its current state, or null when there is none. */
  get(room: string, seq: number): Promise<ChatMessage | null>;
  /** The entry stored earlier under (room, from, clientId), or null: a retried request. */
  byClientId(room: string, from: string, clientId: string): Promise<ChatMessage | null>;
  /** The earlier versions of an edited message, oldest first (none after a delete). */
  versions(room: string, seq: number): Promise<MessageVersion[]>;
}

/**
 * Whether the append of `draft` checks its author's account in its commit: a new message with
 * files. An account deletion deletes its owner's messages with files after it marked the
 * account `deleting` (`Accounts.beginDeletion`), so one committed later would keep its files;
 * this check refuses it instead. Other drafts skip it: a text message of a deleted account stays
 * by design, and the read it costs would be paid by every send.
 */
export function checksAuthor(draft: MessageDraft): boolean {
  return draft.kind === undefined && (draft.attachments?.length ?? 0) > 0;
}

/**
 * Why {@linkcode MessageStore.append} stored nothing: a draft with files
 * ({@linkcode checksAuthor}) is by an account that is gone or being deleted. The other drafts
 * of the call may be appended again without those it {@linkcode AuthorGoneError.refuses}.
 */
export class AuthorGoneError extends Error {
  /** The ids of the authors whose accounts are gone or being deleted. */
  readonly authors: readonly string[];

  /** Refuses the drafts with files of `authors`. */
  constructor(authors: readonly string[]) {
    super(`messages with files by accounts gone or being deleted: ${authors.join(", ")}`);
    this.name = "AuthorGoneError";
    this.authors = authors;
  }

  /** Whether `draft` is one this error refuses (a draft with files of one of its authors). */
  refuses(draft: MessageDraft): boolean {
    return checksAuthor(draft) && this.authors.includes(draft.from);
  }
}
