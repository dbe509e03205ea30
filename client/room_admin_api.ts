/**
 * Calls to the room administration API (`routes/room_admin.ts`) for the settings panel. Every
 * failure is an `ApiRequestError` whose message can be shown as is; the server checks every
 * rule, the panel only hides what the caller's role does not allow.
 *
 * @module
 */
import type { InviteLinkView } from "../lib/common/api_types.ts";
import type { ModAction } from "../lib/common/room_roles.ts";
import { request } from "./rooms_api.ts";
import { roomPath as base } from "./room_details_api.ts";

export { roomDetails } from "./room_details_api.ts";

/** `PATCH /api/rooms/:id`: renames the room and/or sets its topic. */
export function updateRoom(roomId: string, change: { name?: string; topic?: string }) {
  return request<void>("PATCH", base(roomId), change);
}

/** `DELETE /api/rooms/:id` (owner only). */
export function deleteRoom(roomId: string): Promise<void> {
  return request<void>("DELETE", base(roomId));
}

/** `POST /api/rooms/:id/invites`: adds a friend to the room. */
export function inviteFriend(roomId: string, username: string): Promise<void> {
  return request<void>("POST", `${base(roomId)}/invites`, { username });
}

/** `POST /api/rooms/:id/members/:userId/:action`. */
export function moderate(roomId: string, userId: string, action: ModAction): Promise<void> {
  return request<void>("POST", `${base(roomId)}/members/${encodeURIComponent(userId)}/${action}`);
}

/** `POST /api/rooms/:id/transfer` (owner only). */
export function transferRoom(roomId: string, userId: string): Promise<void> {
  return request<void>("POST", `${base(roomId)}/transfer`, { userId });
}

/** `GET /api/rooms/:id/links` (owner and admins). */
export async function listLinks(roomId: string): Promise<InviteLinkView[]> {
  return (await request<{ links: InviteLinkView[] }>("GET", `${base(roomId)}/links`)).links;
}

/** `POST /api/rooms/:id/links`. */
export function createLink(roomId: string, expiresInHours: number, maxUses: number) {
  return request<InviteLinkView>("POST", `${base(roomId)}/links`, { expiresInHours, maxUses });
}

/** `DELETE /api/rooms/:id/links/:token`. */
export function revokeLink(roomId: string, token: string): Promise<void> {
  return request<void>("DELETE", `${base(roomId)}/links/${encodeURIComponent(token)}`);
}
