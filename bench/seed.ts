/**
 * Seeds a Deno KV file for the benchmark before the server starts, through the app's own
 * modules: accounts as `UserRecord`s under `lib/kv/kv_keys.ts` keys (one PBKDF2 hash computed
 * once and shared: this is a fixture, registering thousands of users over HTTP would take
 * minutes of hashing), a real session per user from `Sessions.create`, rooms with their
 * memberships, and optionally friendships.
 *
 * @module
 */
import type { UserRecord } from "../lib/accounts/accounts.ts";
import { systemClock } from "../lib/common/clock.ts";
import { commitAtomic } from "../lib/kv/kv_commit.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { SESSION_COOKIE, SESSION_USER_COOKIE } from "../lib/server/session_cookie.ts";
import { hashPassword } from "../lib/accounts/password.ts";
import { setMembership } from "../lib/rooms/memberships.ts";
import type { Membership, RoomRecord } from "../lib/rooms/room_record.ts";
import { Sessions } from "../lib/accounts/sessions.ts";
import { type Layout, roomOf, roomsOf } from "./layout.ts";

/** A seeded user and the cookie that signs it in. */
export interface SeededUser {
  id: string;
  name: string;
  /** `sid=<token>; uid=<user id>`, ready for a `cookie` header (the user hint as a browser sends it). */
  cookie: string;
}

/** Password of every seeded user. */
export const BENCH_PASSWORD = "bench password, not secret";
const SESSION_TTL_MS = 7 * 24 * 3_600_000;
/**
 * Writes per atomic commit; a write is at most three mutations (a membership: its two entries
 * and the user's `rooms_mark`), so under KV's limit of 1,000.
 */
const WRITES_PER_COMMIT = 300;
const SESSIONS_IN_FLIGHT = 500;

/**
 * Writes `userCount` users (`bench0`, `bench1`, …) with one session each, and the rooms and
 * memberships of every layout, to the KV file at `kvPath` (which must not be open elsewhere).
 *
 * @param kvPath KV file to write; created when missing.
 * @param userCount Users to create; at least every layout's offset plus its client count.
 * @param layouts Room arrangements to create.
 * @returns The users, index `offset + i` being client `i` of a layout.
 */
export async function seedChat(
  kvPath: string,
  userCount: number,
  layouts: readonly Layout[],
  friends = 0,
): Promise<SeededUser[]> {
  const kv = await Deno.openKv(kvPath);
  try {
    const password = await hashPassword(BENCH_PASSWORD);
    const now = systemClock.now();
    const records: UserRecord[] = Array.from({ length: userCount }, (_, i) => ({
      id: `bench-user-${i}`,
      name: `bench${i}`,
      password,
      createdAt: now,
    }));
    await commitInBatches(
      kv,
      records.flatMap((user) => [
        (atomic: Deno.AtomicOperation) => atomic.set(keys.user(user.id), user),
        (atomic: Deno.AtomicOperation) => atomic.set(keys.userByName(user.name), user.id),
        // No friends, as a registration writes it (main's checkouts ignore the key).
        (atomic: Deno.AtomicOperation) => atomic.set(keys.friendDigest(user.id), []),
      ]),
    );
    for (const layout of layouts) await seedRooms(kv, layout, records, now);
    if (friends > 0) await seedFriends(kv, records, friends, now);

    const sessions = new Sessions(kv, systemClock, SESSION_TTL_MS);
    const users: SeededUser[] = [];
    for (let start = 0; start < records.length; start += SESSIONS_IN_FLIGHT) {
      const slice = records.slice(start, start + SESSIONS_IN_FLIGHT);
      const tokens = await Promise.all(slice.map((user) => sessions.create(user.id)));
      slice.forEach((user, i) => {
        users.push({
          id: user.id,
          name: user.name,
          cookie: `${SESSION_COOKIE}=${tokens[i]!.token}; ${SESSION_USER_COOKIE}=${user.id}`,
        });
      });
    }
    return users;
  } finally {
    kv.close();
  }
}

async function seedRooms(
  kv: Deno.Kv,
  layout: Layout,
  users: readonly UserRecord[],
  now: number,
): Promise<void> {
  const membership: Membership = { joinedAt: now };
  const writes: ((atomic: Deno.AtomicOperation) => Deno.AtomicOperation)[] = [];
  roomsOf(layout).forEach((id, room) => {
    const record: RoomRecord = {
      id,
      name: id,
      topic: "benchmark room",
      createdAt: now,
      createdBy: users[(layout.offset ?? 0) + room * layout.roomSize]!.id,
      visibility: "public",
    };
    writes.push((atomic) => atomic.set(keys.room(id), record));
  });
  for (let i = 0; i < layout.clients; i++) {
    const room = roomOf(layout, i);
    const user = users[(layout.offset ?? 0) + i]!.id;
    writes.push((atomic) => setMembership(atomic, room, user, membership));
  }
  await commitInBatches(kv, writes);
}

/**
 * Makes each user friends with the `friends / 2` users after it and as many before it (a ring
 * over all users), with both `friend` entries and the friend digests a server of this checkout
 * reads (an older checkout lists the entries and ignores the digests).
 */
async function seedFriends(
  kv: Deno.Kv,
  users: readonly UserRecord[],
  friends: number,
  now: number,
): Promise<void> {
  const half = Math.max(1, Math.floor(friends / 2));
  const writes: ((atomic: Deno.AtomicOperation) => Deno.AtomicOperation)[] = [];
  users.forEach((user, i) => {
    const ids: string[] = [];
    for (let step = -half; step <= half; step++) {
      if (step !== 0) ids.push(users[(i + step + users.length) % users.length]!.id);
    }
    for (const id of ids) {
      writes.push((atomic) => atomic.set(keys.friend(user.id, id), { since: now }));
    }
    writes.push((atomic) => atomic.set(keys.friendDigest(user.id), ids));
  });
  await commitInBatches(kv, writes);
}

async function commitInBatches(
  kv: Deno.Kv,
  writes: readonly ((atomic: Deno.AtomicOperation) => Deno.AtomicOperation)[],
): Promise<void> {
  for (let start = 0; start < writes.length; start += WRITES_PER_COMMIT) {
    let atomic = kv.atomic();
    for (const write of writes.slice(start, start + WRITES_PER_COMMIT)) atomic = write(atomic);
    const result = await commitAtomic(atomic);
    if (!result.ok) throw new Error("seed commit failed");
  }
}
