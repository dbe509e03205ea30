/**
 * The message store interface: durable per-room logs with gap-free sequence numbers and
 * idempotent appends. `message_store_kv.ts` implements it on Deno KV; every implementation must
 * pass `tests/message_store_conformance.ts`.
 *
 * @module
 */
import type { LastMessage } from "../common/api_types.ts";
import type { ChatMessage, RoomEvent } from "../common/protocol.ts";
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
  text: string;
  /** `"system"` for a room event written by the server; see `ChatMessage.kind`. */
  kind?: "system";
  /** What a system message tells; see `ChatMessage.event`. */
  event?: RoomEvent;
  /**
   * Files attached, as the server checked them; see `ChatMessage.attachments`. The append
   * records that the message uses each file (and thumbnail), in the same commit.
   */
  attachments?: Attachment[];
}

/** What an append produced for one draft. */
export interface AppendResult {
  /** The stored message: new, or the one stored earlier under the same clientId. */
  message: ChatMessage;
  /** True when the clientId had been stored before and nothing new was written. */
  duplicate: boolean;
}

/** Durable, ordered, idempotent message log per room. */
export interface MessageStore {
  /**
   * Stores drafts durably, in order, and returns one result per draft in the same order.
   * Each room's seqs stay strictly increasing and gap-free even when several processes append
   * to the same room at the same moment. A draft whose (room, from, clientId) was stored
   * before yields the stored message with `duplicate: true` and writes nothing.
   */
  append(drafts: readonly MessageDraft[]): Promise<AppendResult[]>;
  /** Up to `limit` messages with seq greater than `afterSeq`, ascending. */
  after(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]>;
  /** The last `limit` messages with seq below `beforeSeq` (or the newest), ascending. */
  before(room: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]>;
  /** The last seq stored in the room; 0 when it has none. */
  head(room: string): Promise<number>;
  /**
   * The summary of each room's newest message, in the order of `rooms`; `null` for a room
   * with none. It is stored with the append itself, so it never lags behind the log.
   */
  lastMessages(rooms: readonly string[]): Promise<(LastMessage | null)[]>;
}
