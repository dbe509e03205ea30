/**
 * Calls to the JSON HTTP API for rooms (`/api/rooms…`): discover, create, join, leave. Not
 * needed to open the chat page, so the store loads them with the first such call. Every failure
 * is an `ApiRequestError` whose message can be shown to the user as is.
 *
 * @module
 */
import type { DiscoverPage, RoomSummary } from "../lib/common/api_types.ts";
import { request } from "./rooms_api.ts";

/** `GET /api/rooms/discover?cursor=`: a page of public rooms to join (no cursor: the first). */
export function discoverRooms(cursor?: string): Promise<DiscoverPage> {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  return request<DiscoverPage>("GET", `/api/rooms/discover${query}`);
}

/**
 * Who can join a new room and how it is kept: `"encrypted"` is a private room whose messages
 * are end-to-end encrypted (a public room cannot be: anyone could join and read).
 */
export type NewRoomKind = "public" | "private" | "encrypted";

/** `POST /api/rooms`: creates a room, which the creator joins as its owner. */
export async function createRoom(
  name: string,
  topic: string | undefined,
  kind: NewRoomKind,
): Promise<RoomSummary> {
  const encrypted = kind === "encrypted";
  const body = { name, topic, visibility: encrypted ? "private" : kind, encrypted };
  return (await request<{ room: RoomSummary }>("POST", "/api/rooms", body)).room;
}

/** `POST /api/rooms/:id/join`. */
export async function joinRoom(id: string): Promise<RoomSummary> {
  const path = `/api/rooms/${encodeURIComponent(id)}/join`;
  return (await request<{ room: RoomSummary }>("POST", path)).room;
}

/** `POST /api/rooms/:id/leave`. */
export async function leaveRoom(id: string): Promise<void> {
  await request<void>("POST", `/api/rooms/${encodeURIComponent(id)}/leave`);
}
