/**
 * The one room administration call the chat page makes before any panel opens: a room's
 * details (the caller's role decides which header buttons show). Apart from
 * `room_admin_api.ts`, which re-exports it, so that the rest of that API loads with the panels
 * that use it instead of with the first paint.
 *
 * @module
 */
import type { RoomDetails } from "../lib/common/api_types.ts";
import { request } from "./rooms_api.ts";

/** `/api/rooms/:id`, the path every room administration call starts with. */
export function roomPath(roomId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}`;
}

/** `GET /api/rooms/:id/members`: the room, the caller's role, members and bans. */
export function roomDetails(roomId: string): Promise<RoomDetails> {
  return request<RoomDetails>("GET", `${roomPath(roomId)}/members`);
}
