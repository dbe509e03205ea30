/**
 * The per-user activity index behind the conversation list (key layout in `lib/kv/kv_keys.ts`).
 * A user's first page used to read every membership and every room's last message: 118 ms
 * median for a user in 2,000 conversations (load average 3, `deno task bench --only
 * conversations`). With the index it reads about a page of `user_activity` entries, newest first,
 * and checks each against the membership and the room's last message.
 *
 * Writes: the message store's commit sets one entry per member of a room of at most
 * {@linkcode INDEXED_ROOM_MAX_MEMBERS} and deletes the previous one when it knows it (two
 * mutations per member: 4 for a direct message), checked against the room's member revision so a
 * member who joined meanwhile is never left out. Those cost a message in rooms of two about 70 µs
 * of CPU more (340 against 270 µs, `deno task bench --only store-append --batch 30` with every
 * message writing them), so a store writes a room's entries only when the ones it wrote last are
 * {@linkcode ACTIVITY_REFRESH_MS} old: a user's newest entry of a room is then never more than
 * {@linkcode ACTIVITY_INDEX_LAG_MS} behind the room's activity, and the list reads that much
 * further down the index and sorts by the activity it reads from each room's last message.
 * A bigger room would cost too many mutations per message (KV allows 1,000 a commit), so its
 * members get a `user_big_room` entry before its next message is committed, and the list reads
 * those rooms' last messages directly.
 *
 * A room's activity for a user is its newest message's time, or the user's join time when that
 * is later: a room the user just joined comes first, as the entry written when joining says.
 *
 * @module
 */
import type { LastMessage } from "../common/api_types.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { deleteKeys } from "../kv/kv_delete.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { type JoinedRoom, membersOfRoom, readMemberships, roomsOfUser } from "./memberships.ts";
import type { Membership } from "./room_record.ts";

/**
 * Rooms of up to this many members are in their members' activity index, written with every
 * message: 64 mutations at most, so a commit still holds a dozen such rooms' messages.
 */
export const INDEXED_ROOM_MAX_MEMBERS = 32;

/**
 * How long after a store wrote a room's activity entries it writes them again with a message:
 * half of {@linkcode ACTIVITY_INDEX_LAG_MS}, so a commit that takes seconds under load still
 * lands within the lag. Longer saves sends in busy rooms and makes the list read further. Ten
 * seconds, not one: in rooms of two with a message a second each (`bench/send_path.ts
 * --clients 5000 --rate 2500`), a refresh with nearly every message cost 344 against 294 µs of
 * server CPU per send (BENCHMARKS.md, "Small rooms, round six"); a conversation's messages mostly
 * come seconds apart, and the list's first page reads the entries of 20 s more, a handful.
 */
export const ACTIVITY_REFRESH_MS = 10_000;

/** How far a user's newest entry of a room may be behind the room's activity. */
export const ACTIVITY_INDEX_LAG_MS = 2 * ACTIVITY_REFRESH_MS;

/** Entries written per commit when marking a big room's members or backfilling a user. */
const WRITE_BATCH = 500;
const KV_READ_BATCH = 10;
/**
 * Rooms checked one by one before the list reads all the user's memberships at once instead
 * (a range read of 2,000 takes about as long as 200 of them read ten per `getMany`).
 */
const MEMBERSHIP_LIST_AFTER = 200;

/** A room's members as the message store writes their activity entries. */
export interface RoomMembers {
  /** The members' ids; null for a room of more than {@linkcode INDEXED_ROOM_MAX_MEMBERS}. */
  ids: string[] | null;
  /** Versionstamp of the room's member revision as read: the commit checks it. */
  versionstamp: string | null;
}

/**
 * Reads a room's members for the index. For a big room, first gives every member a big-room
 * entry, so the list finds the room by them before any message of these members' lists is
 * committed without their activity entries.
 */
export async function readRoomMembers(kv: Deno.Kv, roomId: string): Promise<RoomMembers> {
  const rev = await kv.get(keys.roomMembersRev(roomId));
  const listed = await membersOfRoom(kv, roomId, INDEXED_ROOM_MAX_MEMBERS + 1);
  if (listed.length <= INDEXED_ROOM_MAX_MEMBERS) {
    return { ids: listed.map((member) => member.userId), versionstamp: rev.versionstamp };
  }
  const all = await membersOfRoom(kv, roomId);
  await setAll(kv, all.map((member) => keys.userBigRoom(member.userId, roomId)));
  return { ids: null, versionstamp: rev.versionstamp };
}

/** The member revisions' versionstamps of `rooms`, to tell whether cached members still hold. */
export async function memberRevisions(
  kv: Deno.Kv,
  rooms: readonly string[],
): Promise<(string | null)[]> {
  const batches: Promise<Deno.KvEntryMaybe<unknown>[]>[] = [];
  for (let i = 0; i < rooms.length; i += KV_READ_BATCH) {
    batches.push(kv.getMany(rooms.slice(i, i + KV_READ_BATCH).map(keys.roomMembersRev)));
  }
  return (await Promise.all(batches)).flat().map((entry) => entry.versionstamp);
}

/** Mutations {@linkcode writeRoomActivity} adds for a room at most. */
export function roomActivityWrites(members: RoomMembers): number {
  return 2 * (members.ids?.length ?? 0);
}

/**
 * Adds to `atomic` the activity of a message stored at `at` in `roomId`: the check of the
 * members' revision, and each member's entry; `previous`, the room's activity before it when
 * known, is deleted (an entry left behind is dropped by the list).
 */
export function writeRoomActivity(
  atomic: Deno.AtomicOperation,
  roomId: string,
  members: RoomMembers,
  at: number,
  previous: number | undefined,
): void {
  atomic.check({ key: keys.roomMembersRev(roomId), versionstamp: members.versionstamp });
  for (const id of members.ids ?? []) {
    if (previous !== undefined && previous !== at) {
      atomic.delete(keys.userActivity(id, previous, roomId));
    }
    atomic.set(keys.userActivity(id, at, roomId), true);
  }
}

/** A conversation as the list sorts it. */
export interface ListedRoom {
  room: string;
  last: LastMessage | undefined;
  activity: number;
  joinedAt: number;
  membership: Membership;
}

/**
 * A room the user is in as the list sorts it: its activity is its newest message's time, or
 * the user's join time when that is later (or there is no message).
 */
export function listedRoom(
  room: string,
  membership: Membership,
  last: LastMessage | undefined,
): ListedRoom {
  const activity = Math.max(last?.at ?? membership.joinedAt, membership.joinedAt);
  return { room, last, activity, joinedAt: membership.joinedAt, membership };
}

/**
 * One conversation of the user as the list would hold it, wherever it ranks (a link to an old
 * conversation): two reads, the membership and the last message; null when the user is not a
 * member.
 */
export async function recentRoom(
  kv: Deno.Kv,
  store: MessageStore,
  userId: string,
  room: string,
): Promise<ListedRoom | null> {
  const [[membership], [last]] = await Promise.all([
    readMemberships(kv, userId, [room]),
    store.lastMessages([room]),
  ]);
  return membership ? listedRoom(room, membership, last ?? undefined) : null;
}

/** Where a page starts: after the entry with this activity and room id. */
export interface ActivityCursor {
  activity: number;
  room: string;
}

/** One page of a user's conversations, and whether more follow. */
export interface RecentRooms {
  rooms: ListedRoom[];
  more: boolean;
}

/** The list's order: activity descending, then room id ascending. */
export function byActivity(a: ActivityCursor, b: ActivityCursor): number {
  return b.activity - a.activity || (a.room < b.room ? -1 : a.room > b.room ? 1 : 0);
}

/**
 * Up to `limit` of the user's conversations after `after` (all when null), in list order.
 * `joined`: the user's memberships when the caller listed them already (saves reading them).
 */
export async function recentRooms(
  kv: Deno.Kv,
  store: MessageStore,
  userId: string,
  after: ActivityCursor | null,
  limit: number,
  joined?: readonly JoinedRoom[],
): Promise<RecentRooms> {
  await backfill(kv, store, userId);
  let known = joined ? new Map(joined.map((j) => [j.roomId, j.membership])) : undefined;
  // A list handed in may predate a join: only memberships read here prove an entry stale.
  let fresh = false;
  let checked = 0;
  const stale: Deno.KvKey[] = [];
  const valid: ListedRoom[] = [];
  const isAfter = (room: ActivityCursor) => !after || byActivity(after, room) < 0;
  /** Reads memberships and last messages of `entries`, keeps the user's rooms after `after`. */
  const check = async (entries: ActivityCursor[]) => {
    if (entries.length === 0) return;
    const rooms = entries.map((entry) => entry.room);
    checked += rooms.length;
    if (!known && checked > MEMBERSHIP_LIST_AFTER) {
      // Many rooms within the lag of each other (the worst case): listing every membership in
      // one range read costs less than reading them ten at a time.
      const all = await roomsOfUser(kv, userId);
      known = new Map(all.map((j) => [j.roomId, j.membership]));
      fresh = true;
    }
    const listed = known;
    const [memberships, lasts] = await Promise.all([
      listed ? rooms.map((room) => listed.get(room) ?? null) : readMemberships(kv, userId, rooms),
      store.lastMessages(rooms),
    ]);
    entries.forEach((entry, i) => {
      const membership = memberships[i];
      if (!membership) {
        if ((!known || fresh) && entry.activity >= 0) {
          stale.push(keys.userActivity(userId, entry.activity, entry.room));
        }
        return;
      }
      const listed = listedRoom(entry.room, membership, lasts[i] ?? undefined);
      if (isAfter(listed)) valid.push(listed);
    });
  };
  const big = new Set<string>();
  for await (const entry of kv.list({ prefix: keys.userBigRooms(userId) })) {
    big.add(decode.userBigRoom(entry.key));
  }
  // Big rooms have no current entry: each is checked as if it had one (activity -1: none).
  await check([...big].map((room) => ({ room, activity: -1 })));
  const seen = new Set<string>(big);
  let pending: ActivityCursor[] = [];
  const entries = kv.list({
    prefix: keys.userActivities(userId),
    // A room after the cursor may have its newest entry up to the lag above its activity.
    ...(after
      ? { end: keys.userActivityAfter(userId, after.activity + ACTIVITY_INDEX_LAG_MS) }
      : {}),
  }, { reverse: true, batchSize: Math.min(500, 2 * limit + 2) });
  for await (const { key } of entries) {
    const entry = decode.userActivity(key);
    // Checks wait for KV, so when many rooms are within the lag each round checks as many as
    // all before it: a few rounds, not one per page's worth.
    if (pending.length >= Math.max(KV_READ_BATCH, limit + 1 - valid.length, checked)) {
      await check(pending);
      pending = [];
    }
    // Every room not yet checked has an activity at most the lag above this entry's, so once
    // more than a page ranks above that the page is complete.
    if (pending.length === 0 && ranksAbove(valid, entry.activity + ACTIVITY_INDEX_LAG_MS) > limit) {
      break;
    }
    if (seen.has(entry.room)) {
      // An older entry of a room already seen: a newer one replaced it.
      if (!big.has(entry.room)) stale.push(key);
      continue;
    }
    seen.add(entry.room);
    pending.push(entry);
  }
  await check(pending);
  if (stale.length > 0) await deleteKeys(kv, stale);
  valid.sort(byActivity);
  return { rooms: valid.slice(0, limit), more: valid.length > limit };
}

/** How many of `rooms` have an activity above `activity`. */
function ranksAbove(rooms: readonly ListedRoom[], activity: number): number {
  let count = 0;
  for (const room of rooms) if (room.activity > activity) count++;
  return count;
}

/**
 * Adds the user's memberships to the index once, at their current activity: memberships from
 * before the index have no entry. Entries written meanwhile by messages stay (the list keeps
 * each room's newest).
 */
async function backfill(kv: Deno.Kv, store: MessageStore, userId: string): Promise<void> {
  if ((await kv.get(keys.userActivityBuilt(userId))).versionstamp) return;
  const joined = await roomsOfUser(kv, userId);
  const lasts = await store.lastMessages(joined.map((j) => j.roomId));
  await setAll(
    kv,
    joined.map(({ roomId, membership }, i) =>
      keys.userActivity(
        userId,
        Math.max(lasts[i]?.at ?? membership.joinedAt, membership.joinedAt),
        roomId,
      )
    ),
  );
  await commitAtomic(kv.atomic().set(keys.userActivityBuilt(userId), true));
}

async function setAll(kv: Deno.Kv, keyList: readonly Deno.KvKey[]): Promise<void> {
  for (let i = 0; i < keyList.length; i += WRITE_BATCH) {
    const atomic = kv.atomic();
    for (const key of keyList.slice(i, i + WRITE_BATCH)) atomic.set(key, true);
    await commitAtomic(atomic);
  }
}
