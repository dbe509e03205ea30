/**
 * Ids of direct-message rooms: `dm_` and the base64url SHA-256 of the two user ids, sorted
 * and joined with `:`. The same pair always gives the same id, so both users opening the
 * conversation at once meet in one room. Group rooms have 22-character random ids, so a
 * `dm_` id of this length is never a group room.
 *
 * @module
 */
import { toBase64Url } from "../common/ids.ts";

const DIRECT_ROOM_ID = /^dm_[A-Za-z0-9_-]{43}$/;

/**
 * The id of the direct conversation between two users (order does not matter).
 *
 * @example
 * ```ts
 * (await directRoomId("a", "b")) === (await directRoomId("b", "a")); // true
 * (await directRoomId("a", "b", "secret")) !== (await directRoomId("a", "b")); // true
 * ```
 */
export async function directRoomId(
  userA: string,
  userB: string,
  kind: "plain" | "secret" = "plain",
): Promise<string> {
  // A secret chat is a second room of the same pair: its messages are MLS payloads, and the
  // plain DM's history stays readable beside it.
  const pair = (kind === "secret" ? "secret:" : "") + [userA, userB].sort().join(":");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pair));
  return "dm_" + toBase64Url(new Uint8Array(digest));
}

/** True when `roomId` has the shape of a direct-message room id. */
export function isDirectRoomId(roomId: string): boolean {
  return DIRECT_ROOM_ID.test(roomId);
}
