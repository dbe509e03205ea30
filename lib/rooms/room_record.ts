/**
 * The records of rooms and memberships as stored in Deno KV, shared by every module that reads
 * or writes them.
 *
 * @module
 */
import type { RoomSummary } from "../common/api_types.ts";
import type { Role } from "../common/room_roles.ts";

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
  /** User id of who muted them (absent on mutes stored before it was kept). */
  mutedBy?: string;
}
