/**
 * Who may run a group room, and the refusals every room service gives when they may not. A
 * non-member gets the same answer as for a room that does not exist, so room ids cannot be
 * probed.
 *
 * @module
 */
import { isManager, roleOf } from "../common/room_roles.ts";
import { type Refusal, refusal } from "../common/refusal.ts";
import type { Membership, RoomRecord } from "./room_record.ts";

/** For non-members, the answer for a room that does not exist. */
export const NO_SUCH_ROOM: Refusal = refusal(404, "refusal.noSuchRoom");
/** A member whose role does not allow the action. */
export const FORBIDDEN: Refusal = refusal(403, "refusal.forbidden");

/** A stored group room: public or private, not a direct conversation. */
export type GroupRoomRecord = RoomRecord & { visibility: "public" | "private" };

/** Whether `room` is a group room (not a direct conversation) that `member` belongs to. */
export function isGroupMember(
  room: RoomRecord | null,
  member: Membership | null,
): room is GroupRoomRecord {
  return room !== null && room.visibility !== "direct" && member !== null;
}

/**
 * Why `actorId` may not run the room: {@linkcode NO_SUCH_ROOM} when it is not a group room
 * they are in, {@linkcode FORBIDDEN} when they are a plain member; null for its owner and
 * admins.
 */
export function refuseUnlessManager(
  room: RoomRecord | null,
  actor: Membership | null,
  actorId: string,
): Refusal | null {
  if (!isGroupMember(room, actor)) return NO_SUCH_ROOM;
  return isManager(roleOf(actor!, room.createdBy === actorId)) ? null : FORBIDDEN;
}
