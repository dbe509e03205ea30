/**
 * Group rooms and memberships in Deno KV. Every read or write of a room's messages is gated
 * by {@linkcode Rooms.isMember}, checked on the server. Discover reads the public-room index
 * (`public_rooms.ts`), never every room.
 *
 * @module
 */
import {
  DISCOVER_PAGE_DEFAULT,
  type DiscoverPage,
  type RoomLists,
  type RoomSummary,
} from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { roomFieldsProblem } from "./room_fields.ts";
import { keys } from "../kv/kv_keys.ts";
import { ACCOUNT_GONE, accountsLive } from "../accounts/accounts.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import { NO_SUCH_ROOM } from "./room_access.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import {
  addMembership,
  membershipKey,
  membersOfRoom,
  readMembership,
  roomsOfUser,
} from "./memberships.ts";
import { indexPublicRoom, publicRoomPage } from "./public_rooms.ts";
import type { Membership, RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";

/** Outcome of {@linkcode Rooms.join}: `added` is false when the user was already a member. */
export interface JoinResult {
  room: RoomSummary;
  added: boolean;
}

/** Largest number of rooms in the `joined` list of {@linkcode Rooms.lists}. */
export const ROOM_LIST_LIMIT = 200;
const KV_READ_BATCH = 10;

/** Members read per room by {@linkcode Rooms.roommateIds}. */
export const ROOMMATES_PER_ROOM = 1000;

/** Creates, lists, joins and leaves rooms. */
export class Rooms {
  #kv: Deno.Kv;
  #clock: Clock;
  #created: (room: RoomRecord) => void;

  /** Stores rooms in `kv`; `created` is told of every new room (Discover goes live). */
  constructor(kv: Deno.Kv, clock: Clock, created: (room: RoomRecord) => void = () => {}) {
    this.#kv = kv;
    this.#clock = clock;
    this.#created = created;
  }

  /** Creates a group room with its creator as the first member and its owner. */
  async create(
    userId: string,
    name: string,
    topic = "",
    visibility: "public" | "private" = "public",
    encrypted = false,
  ): Promise<Outcome<{ room: RoomSummary }>> {
    const cleanName = name.trim();
    const cleanTopic = topic.trim();
    const problem = roomFieldsProblem(cleanName, cleanTopic);
    if (problem) return problem;
    // A room anyone may join cannot keep secrets from whoever joins.
    if (encrypted && visibility === "public") return refusal(400, "refusal.publicRoomEncrypted");
    const now = this.#clock.now();
    const room: RoomRecord = {
      id: newId(),
      name: cleanName,
      topic: cleanTopic,
      createdAt: now,
      createdBy: userId,
      visibility,
      ...(encrypted ? { encrypted: true as const } : {}),
    };
    const membership: Membership = { joinedAt: now, role: "owner" };
    const account = await this.#kv.get(keys.user(userId));
    if (!accountsLive([account])) return ACCOUNT_GONE;
    const atomic = this.#kv.atomic()
      .check({ key: keys.room(room.id), versionstamp: null })
      .set(keys.room(room.id), room);
    addMembership(atomic, room.id, userId, membership, account);
    // Fails only when the account's deletion began since it was read.
    if (!(await commitAtomic(indexPublicRoom(atomic, null, room))).ok) return ACCOUNT_GONE;
    this.#created(room);
    return { ok: true, room: summary(room) };
  }

  /** Returns a room, or null when it does not exist. */
  async get(roomId: string): Promise<RoomSummary | null> {
    const room = (await this.#kv.get<RoomRecord>(keys.room(roomId))).value;
    return room ? summary(room) : null;
  }

  /**
   * Lists the group rooms a user is in (newest first, at most {@linkcode ROOM_LIST_LIMIT}) and
   * the first Discover page of public rooms they are not in (`GET /api/rooms`). Direct
   * conversations are in neither list (see `DirectMessages.list`). Reads every membership and
   * room record of the user: the chat page does not call it (its sidebar is the conversation
   * list, in pages), so a user in thousands of rooms pays it only when asking for it.
   */
  async lists(userId: string): Promise<RoomLists> {
    const [joinedIds, page] = await Promise.all([
      this.#joinedIds(userId),
      this.discover(userId, DISCOVER_PAGE_DEFAULT),
    ]);
    const records = await readRooms(this.#kv, [...joinedIds]);
    const groups = records
      .filter((room): room is RoomRecord => room !== null && room.visibility !== "direct")
      .map(summary)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, ROOM_LIST_LIMIT);
    const lists: RoomLists = { joined: groups, discover: page.rooms };
    if (page.nextCursor) lists.discoverCursor = page.nextCursor;
    return lists;
  }

  /**
   * One Discover page for `userId`: public rooms they are not in, newest first, after
   * `cursor` (a previous page's `nextCursor`, checked by the caller with
   * `isPublicRoomCursor`).
   */
  async discover(userId: string, limit: number, cursor?: string): Promise<DiscoverPage> {
    return await publicRoomPage(this.#kv, limit, cursor, userId);
  }

  /**
   * Adds a user to a public room; returns the room, or {@linkcode NO_SUCH_ROOM} when there is
   * no such room (also for private and direct rooms, for a user banned from it, and when the
   * room or the user's account changed while joining: the answers are the same), and
   * `ACCOUNT_GONE` when the user's account is being deleted.
   * A member joining again keeps their membership (and role) as it is: `added` is false.
   */
  async join(userId: string, roomId: string): Promise<Outcome<JoinResult>> {
    const [room, ban, existing, account] = await this.#kv.getMany<
      [RoomRecord, unknown, Membership, unknown]
    >([
      keys.room(roomId),
      keys.roomBan(roomId, userId),
      membershipKey(roomId, userId),
      keys.user(userId),
    ]);
    if (!room.value || room.value.visibility !== "public" || ban.versionstamp) return NO_SUCH_ROOM;
    if (!accountsLive([account])) return ACCOUNT_GONE;
    if (existing.value) return { ok: true, room: summary(room.value), added: false };
    // Always explicit: an absent role on the creator's membership means owner (see `roleOf`).
    const membership: Membership = { joinedAt: this.#clock.now(), role: "member" };
    const atomic = this.#kv.atomic().check(room, ban, existing);
    const result = await commitAtomic(addMembership(atomic, roomId, userId, membership, account));
    return result.ok ? { ok: true, room: summary(room.value), added: true } : NO_SUCH_ROOM;
  }

  /**
   * Ids of the users who share a group room with `userId` (at most `perRoom` read per room),
   * `userId` excluded: who sees the user's name and avatar next to their messages.
   */
  async roommateIds(userId: string, perRoom = ROOMMATES_PER_ROOM): Promise<string[]> {
    const ids = new Set<string>();
    for (const { roomId } of await roomsOfUser(this.#kv, userId)) {
      for (const member of await membersOfRoom(this.#kv, roomId, perRoom)) ids.add(member.userId);
    }
    ids.delete(userId);
    return [...ids];
  }

  /** True when the user is a member of the room. */
  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.membership(roomId, userId)) !== null;
  }

  /** The user's membership of the room (role, mute), or null when they are not a member. */
  async membership(roomId: string, userId: string): Promise<Membership | null> {
    return await readMembership(this.#kv, roomId, userId);
  }

  async #joinedIds(userId: string): Promise<Set<string>> {
    return new Set((await roomsOfUser(this.#kv, userId)).map((joined) => joined.roomId));
  }
}

/** Reads many room records (null where there is none), in parallel batches of `getMany`. */
export async function readRooms(kv: Deno.Kv, ids: string[]): Promise<(RoomRecord | null)[]> {
  const batches: Promise<Deno.KvEntryMaybe<RoomRecord>[]>[] = [];
  for (let i = 0; i < ids.length; i += KV_READ_BATCH) {
    const batch = ids.slice(i, i + KV_READ_BATCH).map((id) => keys.room(id));
    batches.push(kv.getMany<RoomRecord[]>(batch));
  }
  return (await Promise.all(batches)).flat().map((entry) => entry.value);
}
