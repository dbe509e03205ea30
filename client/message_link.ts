/**
 * Links to one message, apart from `room_hash.ts` so that only the lazily loaded parts that make
 * such links (the message menu's "Copy link", search results) carry it.
 *
 * @module
 */
import { MESSAGE, roomHash } from "./room_hash.ts";

/**
 * Builds the hash of a link to one message: it opens the room scrolled to the message.
 *
 * @example
 * ```ts
 * messageHash("general", 42); // "#room=general&msg=42"
 * ```
 */
export function messageHash(id: string, seq: number): string {
  return `${roomHash(id)}${MESSAGE}${seq}`;
}
