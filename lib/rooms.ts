/**
 * Group rooms and memberships in Deno KV. Every read or write of a room's messages is gated
 * by {@linkcode Rooms.isMember}, checked on the server.
 *
 * @module
 */
import {
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

/** A stored room: a public group room, or a direct conversation of exactly two members. */
export interface RoomRecord extends RoomSummary {
  createdBy: string;
  visibility: "public" | "direct";
  /** For direct rooms: the two member ids, sorted. */
  members?: [string, string];
}

/** A stored membership. */
export interface Membership {
  joinedAt: number;
}

/** Largest number of rooms listed by {@linkcode Rooms.lists} in each list. */
export const ROOM_LIST_LIMIT = 200;

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

  /** Creates a public room with its creator as the first member. */
  async create(userId: string, name: string, topic = ""): Promise<CreateRoomResult> {
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
      visibility: "public",
    };
    const membership: Membership = { joinedAt: now };
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

  /** Adds a user to a public room; returns the room, or null when there is no such room. */
  async join(userId: string, roomId: string): Promise<RoomSummary | null> {
    const room = await this.#kv.get<RoomRecord>(keys.room(roomId));
    if (!room.value || room.value.visibility !== "public") return null;
    const membership: Membership = { joinedAt: this.#clock.now() };
    const result = await commitAtomic(
      this.#kv.atomic()
        .check(room)
        .set(keys.roomMember(roomId, userId), membership)
        .set(keys.userRoom(userId, roomId), membership),
    );
    return result.ok ? summary(room.value) : null;
  }

  /**
   * Removes a user from a room; leaving a room one is not in changes nothing. Callers refuse
   * direct rooms first: a direct conversation always keeps its two members.
   */
  async leave(userId: string, roomId: string): Promise<void> {
    await commitAtomic(
      this.#kv.atomic()
        .delete(keys.roomMember(roomId, userId))
        .delete(keys.userRoom(userId, roomId)),
    );
  }

  /** True when the user is a member of the room. */
  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.#kv.get(keys.roomMember(roomId, userId))).versionstamp !== null;
  }
}

function summary(room: RoomRecord): RoomSummary {
  return { id: room.id, name: room.name, topic: room.topic, createdAt: room.createdAt };
}
