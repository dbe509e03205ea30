/**
 * The `rooms_mark` of a user (`["rooms_mark", userId]`): its versionstamp dates the user's
 * conversation list, so a page that read the list before its first socket can tell, from the
 * `welcome`, whether the list changed meanwhile (docs/PROTOCOL.md). A membership's commit sets
 * it itself (`lib/rooms/memberships.ts`); a change to a room's record that the list shows (a
 * new name, topic or picture, the room deleted) reaches every member, too many for one commit,
 * so their marks are set here, after the change's commit and before the members are told: a
 * page whose socket was not there for the event finds the mark newer than its list.
 *
 * @module
 */
import type { ListMarks } from "../common/api_types.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { DELETE_BATCH } from "../kv/kv_delete.ts";
import { keys } from "../kv/kv_keys.ts";

/**
 * Sets the `rooms_mark` of each of `users`, {@linkcode DELETE_BATCH} per commit (well under
 * KV's 1,000 mutations): call it after the commit that changed a room they list, before they
 * are told of it.
 *
 * @example
 * ```ts
 * await markRoomLists(kv, members.map((m) => m.userId));
 * notify(members.map((m) => m.userId), { kind: "room_updated", room });
 * ```
 */
export async function markRoomLists(kv: Deno.Kv, users: readonly string[]): Promise<void> {
  for (let i = 0; i < users.length; i += DELETE_BATCH) {
    const atomic = kv.atomic();
    for (const user of users.slice(i, i + DELETE_BATCH)) atomic.set(keys.roomsMark(user), true);
    await commitAtomic(atomic);
  }
}

/**
 * The marks of `userId`'s lists now (`rooms_mark`'s versionstamp, the friend digest's), in one
 * `getMany`: a page reads them before its lists, so a change committed in between makes the
 * marks look older than the lists (a needless read again), never newer.
 */
export async function readListMarks(kv: Deno.Kv, userId: string): Promise<ListMarks> {
  const [rooms, friends] = await kv.getMany([keys.roomsMark(userId), keys.friendDigest(userId)]);
  return { rooms: rooms.versionstamp ?? "", friends: friends.versionstamp ?? "" };
}
