/**
 * The one module that writes memberships. A membership is stored twice, under
 * `["room_member", roomId, userId]` (a room's members) and `["user_room", userId, roomId]` (a
 * user's rooms), with the same value; both change in the same atomic commit, so the two
 * listings always agree. Reading one membership needs only the `room_member` entry:
 * {@linkcode membershipKey} is the key to read (and check) it by.
 *
 * @module
 */
import { checkAccountLive } from "../accounts/accounts.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import type { Membership } from "./room_record.ts";

/** Keys per `getMany`: KV reads at most ten at once. */
const KV_READ_BATCH = 10;

/** The key a membership is read and checked by (its `room_member` entry). */
export function membershipKey(roomId: string, userId: string): Deno.KvKey {
  return keys.roomMember(roomId, userId);
}

/** Both keys of a membership, e.g. to delete it among many other keys in batches. */
export function membershipKeys(roomId: string, userId: string): Deno.KvKey[] {
  return [keys.roomMember(roomId, userId), keys.userRoom(userId, roomId)];
}

/**
 * Adds the writes of `membership` under both of its keys to `atomic`, and returns `atomic`;
 * also the user's `rooms_mark`, which dates their conversation list (a mute shows in it).
 */
export function setMembership(
  atomic: Deno.AtomicOperation,
  roomId: string,
  userId: string,
  membership: Membership,
): Deno.AtomicOperation {
  return atomic.set(keys.roomMember(roomId, userId), membership)
    .set(keys.userRoom(userId, roomId), membership).set(keys.roomsMark(userId), true);
}

/**
 * Adds the writes of a new membership to `atomic` (see {@linkcode setMembership}), and returns
 * `atomic`: also the user's conversation activity entry at `joinedAt`, and a bump of the room's
 * member revision, which fails any message commit that worked from the members before it (see
 * `lib/rooms/conversation_index.ts`). A membership that already exists changes through
 * {@linkcode setMembership}.
 *
 * `account` is the user's record (`keys.user(userId)`) as the caller read it with its other
 * keys, and refused unless live (`accountsLive`: the answer it gives an unknown or
 * signed-out user); the commit checks it. So a join, invite or room creation that read the
 * record before the user's deletion marked it (`Accounts.beginDeletion`) fails its check, and
 * reading again is refused: no membership lands after the deletion listed the user's rooms.
 * Throws when `account` is not live (a caller that forgot to refuse).
 */
export function addMembership(
  atomic: Deno.AtomicOperation,
  roomId: string,
  userId: string,
  membership: Membership,
  account: Deno.KvEntryMaybe<unknown>,
): Deno.AtomicOperation {
  return setMembership(checkAccountLive(atomic, account), roomId, userId, membership)
    .set(keys.userActivity(userId, membership.joinedAt, roomId), true)
    .sum(keys.roomMembersRev(roomId), 1n);
}

/**
 * Adds the deletes of both keys of a membership to `atomic`, and returns `atomic`; bumps the
 * room's member revision and the user's `rooms_mark`, and drops the user's big-room entry of
 * it. The user's activity entries of the room are left for the conversation list to find and
 * drop.
 */
export function deleteMembership(
  atomic: Deno.AtomicOperation,
  roomId: string,
  userId: string,
): Deno.AtomicOperation {
  return atomic.delete(keys.roomMember(roomId, userId)).delete(keys.userRoom(userId, roomId))
    .delete(keys.userBigRoom(userId, roomId)).sum(keys.roomMembersRev(roomId), 1n)
    .set(keys.roomsMark(userId), true);
}

/** The user's membership of the room, or null when they are not a member. */
export async function readMembership(
  kv: Deno.Kv,
  roomId: string,
  userId: string,
): Promise<Membership | null> {
  return (await kv.get<Membership>(membershipKey(roomId, userId))).value;
}

/**
 * The user's memberships of `rooms` (null where they are not a member), in the same order,
 * read ten keys per `getMany` (KV's limit), the batches in parallel.
 */
export async function readMemberships(
  kv: Deno.Kv,
  userId: string,
  rooms: readonly string[],
): Promise<(Membership | null)[]> {
  const batches: Promise<Deno.KvEntryMaybe<Membership>[]>[] = [];
  for (let i = 0; i < rooms.length; i += KV_READ_BATCH) {
    const batch = rooms.slice(i, i + KV_READ_BATCH).map((room) => keys.userRoom(userId, room));
    batches.push(kv.getMany<Membership[]>(batch));
  }
  return (await Promise.all(batches)).flat().map((entry) => entry.value);
}

/** One of a user's memberships: the room's id and the membership. */
export interface JoinedRoom {
  roomId: string;
  membership: Membership;
}

/** A user's memberships (room id and membership), by room id, at most `limit` when given. */
export async function roomsOfUser(
  kv: Deno.Kv,
  userId: string,
  limit?: number,
): Promise<JoinedRoom[]> {
  const found: JoinedRoom[] = [];
  for await (const entry of kv.list<Membership>({ prefix: keys.userRooms(userId) }, { limit })) {
    found.push({ roomId: decode.userRoom(entry.key), membership: entry.value });
  }
  return found;
}

/**
 * A user's memberships in batches of up to `size` as KV lists them, by room id: a caller can
 * start the reads each batch needs while the next one is still being listed.
 */
export async function* roomsOfUserInBatches(
  kv: Deno.Kv,
  userId: string,
  size: number,
): AsyncGenerator<JoinedRoom[]> {
  let batch: JoinedRoom[] = [];
  const entries = kv.list<Membership>({ prefix: keys.userRooms(userId) }, { batchSize: size });
  for await (const entry of entries) {
    batch.push({ roomId: decode.userRoom(entry.key), membership: entry.value });
    if (batch.length < size) continue;
    yield batch;
    batch = [];
  }
  if (batch.length > 0) yield batch;
}

/** A room's memberships (user id and membership), by user id, at most `limit` when given. */
export async function membersOfRoom(
  kv: Deno.Kv,
  roomId: string,
  limit?: number,
): Promise<{ userId: string; membership: Membership }[]> {
  const found: { userId: string; membership: Membership }[] = [];
  for await (const entry of kv.list<Membership>({ prefix: keys.roomMembers(roomId) }, { limit })) {
    found.push({ userId: decode.roomMember(entry.key), membership: entry.value });
  }
  return found;
}
