/**
 * The Discover index: one `public_room` entry per public room, keyed by creation time and id
 * and holding the room's summary, so Discover reads one key range a page at a time, newest
 * first, and never scans every room.
 *
 * Every write of a room record goes through {@linkcode indexPublicRoom} in the same atomic
 * commit (create, rename or topic change, delete; a visibility change would too), so the index
 * never lists a private, deleted or stale room. Rooms stored before the index existed are
 * added once by {@linkcode backfillPublicRooms} at startup.
 *
 * @module
 */
import type { DiscoverPage, RoomSummary } from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { keys } from "../kv/kv_keys.ts";
import { readMemberships } from "./memberships.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { summary } from "./room_summary.ts";
import type { RoomRecord } from "./room_record.ts";

/** Where a page starts: after the room created at `createdAt` with id `id`. */
interface Cursor {
  createdAt: number;
  id: string;
}

/** Candidates whose memberships are read at once at least: one `getMany`. */
const MEMBERSHIP_READ_BATCH = 10;

const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

/**
 * Keeps the index in step with a room-record write: removes `previous`'s entry when it was
 * public and adds `next`'s when it is. Add it to the atomic operation that writes the record
 * (`previous` null for a new room, `next` null for a deleted one).
 */
export function indexPublicRoom(
  atomic: Deno.AtomicOperation,
  previous: RoomRecord | null,
  next: RoomRecord | null,
): Deno.AtomicOperation {
  if (previous?.visibility === "public") {
    atomic.delete(keys.publicRoom(previous.createdAt, previous.id));
  }
  if (next?.visibility === "public") {
    atomic.set(keys.publicRoom(next.createdAt, next.id), summary(next));
  }
  return atomic;
}

/**
 * True when `cursor` is a cursor this module hands out (`<createdAt>.<roomId>`); anything
 * else is the caller's bad input.
 */
export function isPublicRoomCursor(cursor: string): boolean {
  return CURSOR.test(cursor);
}

/**
 * Up to `limit` public rooms, newest first (ties by id, descending), after `cursor` (a
 * previous page's `nextCursor`; must pass {@linkcode isPublicRoomCursor}). Rooms `viewer` is in
 * are passed over and do not count toward the limit. The candidates' memberships are read ten
 * at a time as the index is walked, never the viewer's whole membership list: a user in 2,000
 * conversations, few of them public, pays about a page of reads.
 */
export async function publicRoomPage(
  kv: Deno.Kv,
  limit: number,
  cursor?: string,
  viewer?: string,
): Promise<DiscoverPage> {
  const after = parseCursor(cursor);
  const selector: Deno.KvListSelector = after
    ? { prefix: keys.publicRooms(), end: keys.publicRoom(after.createdAt, after.id) }
    : { prefix: keys.publicRooms() };
  const rooms: RoomSummary[] = [];
  let candidates: RoomSummary[] = [];
  /** Keeps the candidates the viewer is not in; true once there is one more than a page. */
  const keep = async () => {
    const memberships = viewer
      ? await readMemberships(kv, viewer, candidates.map((room) => room.id))
      : [];
    rooms.push(...candidates.filter((_, i) => !memberships[i]));
    candidates = [];
    return rooms.length > limit;
  };
  const entries = kv.list<RoomSummary>(selector, {
    reverse: true,
    batchSize: Math.min(500, limit + 1),
  });
  let full = false;
  for await (const entry of entries) {
    candidates.push(entry.value);
    const wanted = Math.max(MEMBERSHIP_READ_BATCH, limit + 1 - rooms.length);
    if (candidates.length >= wanted && (full = await keep())) break;
  }
  if (!full) full = await keep();
  if (!full) return { rooms };
  const page = rooms.slice(0, limit);
  const last = page[page.length - 1]!;
  return { rooms: page, nextCursor: `${last.createdAt}.${last.id}` };
}

/**
 * Adds every public room stored before the index existed, once per KV (a marker key records
 * that it ran). Each entry is committed against the room's versionstamp, so a room renamed or
 * deleted meanwhile is never indexed with stale data. Cheap on every later start: one read.
 */
export async function backfillPublicRooms(kv: Deno.Kv, clock: Clock): Promise<number> {
  if ((await kv.get(keys.publicRoomIndexBuilt())).versionstamp !== null) return 0;
  let added = 0;
  for await (const entry of kv.list<RoomRecord>({ prefix: keys.rooms() })) {
    if (entry.value.visibility !== "public") continue;
    // A room that keeps changing under every attempt stays out of the index: skipped, not fatal.
    const indexed = await transact("index public room", async (attempt) => {
      const room = attempt === 0 ? entry : await kv.get<RoomRecord>(entry.key);
      if (room.value?.visibility !== "public") return false;
      return commit(indexPublicRoom(kv.atomic().check(room), null, room.value), () => true);
    }, { exhausted: () => false });
    if (indexed) added++;
  }
  await kv.set(keys.publicRoomIndexBuilt(), { at: clock.now() });
  return added;
}

function parseCursor(cursor: string | undefined): Cursor | null {
  const match = cursor?.match(CURSOR);
  return match ? { createdAt: Number(match[1]), id: match[2]! } : null;
}
