/**
 * Group rooms and memberships in Deno KV. Every read or write of a room's messages is gated
 * by {@linkcode Rooms.isMember}, checked on the server.
 *
 * @module
 */
import {
  avatarPath,
  MAX_ROOM_NAME_CHARS,
  MAX_ROOM_TOPIC_CHARS,
  type RoomLists,
  type RoomSummary,
} from "./api_types.ts";
import type { Clock } from "./clock.ts";
import { newId } from "./ids.ts";
import { keys } from "./kv_keys.ts";
import { countChars } from "./protocol.ts";
import { commitAtomic } from "./kv_commit.ts";
import type { Role } from "./room_roles.ts";

/**
 * A stored room: a group room, public (in Discover, anyone may join) or private (invite
 * only), or a direct conversation of exactly two members.
 */
export interface RoomRecord extends RoomSummary {
  createdBy: string;
  visibility: "public" | "private" | "direct";
  /** For direct rooms: the two member ids, sorted. */
  members?: [string, string];
  /** Version of the uploaded picture under `keys.roomAvatar`; absent: the default. */
  avatar?: string;
}

/** A stored membership (the same value under both of its keys). */
export interface Membership {
  joinedAt: number;
  /**
   * Absent only on memberships from before roles: `"member"`, or `"owner"` for the room's
   * creator (see `roleOf`). Every membership written now has one.
   */
  role?: Role;
  /** A muted member reads but cannot post. */
  muted?: boolean;
}

/** Outcome of {@linkcode Rooms.join}: `added` is false when the user was already a member. */
export interface JoinResult {
  room: RoomSummary;
  added: boolean;
}

/** Largest number of rooms listed by {@linkcode Rooms.lists} in each list. */
export const ROOM_LIST_LIMIT = 200;

/** Members read per room by {@linkcode Rooms.roommateIds}. */
export const ROOMMATES_PER_ROOM = 1000;

/** Outcome of {@linkcode Rooms.create}. */
export type CreateRoomResult = { ok: true; room: RoomSummary } | { ok: false; message: string };

/** Creates, lists, joins and leaves rooms. */
export class Rooms {
  #kv: Deno.Kv;
  #clock: Clock;

  /** Stores rooms in `kv`. */
  constructor(kv: Deno.Kv, clock: Clock) {
    this.#kv = kv;
    this.#clock = clock;
  }

  /** Creates a group room with its creator as the first member and its owner. */
  async create(
    userId: string,
    name: string,
    topic = "",
    visibility: "public" | "private" = "public",
  ): Promise<CreateRoomResult> {
    const cleanName = name.trim();
    const cleanTopic = topic.trim();
    if (cleanName.length === 0 || countChars(cleanName) > MAX_ROOM_NAME_CHARS) {
      return { ok: false, message: `Room name must be 1–${MAX_ROOM_NAME_CHARS} characters` };
    }
    if (countChars(cleanTopic) > MAX_ROOM_TOPIC_CHARS) {
      return { ok: false, message: `Topic must be at most ${MAX_ROOM_TOPIC_CHARS} characters` };
    }
    const now = this.#clock.now();
    const room: RoomRecord = {
      id: newId(),
      name: cleanName,
      topic: cleanTopic,
      createdAt: now,
      createdBy: userId,
      visibility,
    };
    const membership: Membership = { joinedAt: now, role: "owner" };
    await commitAtomic(
      this.#kv.atomic()
        .check({ key: keys.room(room.id), versionstamp: null })
        .set(keys.room(room.id), room)
        .set(keys.roomMember(room.id, userId), membership)
        .set(keys.userRoom(userId, room.id), membership),
    );
    return { ok: true, room: summary(room) };
  }

  /** Returns a room, or null when it does not exist. */
  async get(roomId: string): Promise<RoomSummary | null> {
    const room = (await this.#kv.get<RoomRecord>(keys.room(roomId))).value;
    return room ? summary(room) : null;
  }

  /**
   * Lists the group rooms a user is in and the public rooms they could join, newest first.
   * Direct conversations are in neither list (see `DirectMessages.list`).
   */
  async lists(userId: string): Promise<RoomLists> {
    const joinedIds = new Set<string>();
    for await (const entry of this.#kv.list<Membership>({ prefix: keys.userRooms(userId) })) {
      joinedIds.add(String(entry.key[2]));
    }
    const joined: RoomSummary[] = [];
    const discover: RoomSummary[] = [];
    for await (const entry of this.#kv.list<RoomRecord>({ prefix: keys.rooms() })) {
      if (entry.value.visibility === "direct") continue;
      if (joinedIds.has(entry.value.id)) joined.push(summary(entry.value));
      else if (entry.value.visibility === "public") discover.push(summary(entry.value));
    }
    const newestFirst = (a: RoomSummary, b: RoomSummary) => b.createdAt - a.createdAt;
    return {
      joined: joined.sort(newestFirst).slice(0, ROOM_LIST_LIMIT),
      discover: discover.sort(newestFirst).slice(0, ROOM_LIST_LIMIT),
    };
  }

  /**
   * Adds a user to a public room; returns the room, or null when there is no such room (also
   * for private and direct rooms, and for a user banned from it: the answers are the same).
   * A member joining again keeps their membership (and role) as it is: `added` is false.
   */
  async join(userId: string, roomId: string): Promise<JoinResult | null> {
    const [room, ban, existing] = await this.#kv.getMany<[RoomRecord, unknown, Membership]>([
      keys.room(roomId),
      keys.roomBan(roomId, userId),
      keys.roomMember(roomId, userId),
    ]);
    if (!room.value || room.value.visibility !== "public" || ban.versionstamp) return null;
    if (existing.value) return { room: summary(room.value), added: false };
    // Always explicit: an absent role on the creator's membership means owner (see `roleOf`).
    const membership: Membership = { joinedAt: this.#clock.now(), role: "member" };
    const result = await commitAtomic(
      this.#kv.atomic()
        .check(room, ban, existing)
        .set(keys.roomMember(roomId, userId), membership)
        .set(keys.userRoom(userId, roomId), membership),
    );
    return result.ok ? { room: summary(room.value), added: true } : null;
  }

  /**
   * Ids of the users who share a group room with `userId` (at most `perRoom` read per room),
   * `userId` excluded: who sees the user's name and avatar next to their messages.
   */
  async roommateIds(userId: string, perRoom = ROOMMATES_PER_ROOM): Promise<string[]> {
    const ids = new Set<string>();
    for await (const entry of this.#kv.list({ prefix: keys.userRooms(userId) })) {
      const roomId = String(entry.key[2]);
      for await (
        const member of this.#kv.list({ prefix: keys.roomMembers(roomId) }, {
          limit: perRoom,
        })
      ) ids.add(String(member.key[2]));
    }
    ids.delete(userId);
    return [...ids];
  }

  /** True when the user is a member of the room. */
  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.#kv.get(keys.roomMember(roomId, userId))).versionstamp !== null;
  }
}

/** The part of a room record every member may see. */
export function summary(room: RoomRecord): RoomSummary {
  const view: RoomSummary = {
    id: room.id,
    name: room.name,
    topic: room.topic,
    createdAt: room.createdAt,
  };
  if (room.avatar) view.avatarUrl = avatarPath("rooms", room.id, room.avatar);
  return view;
}
