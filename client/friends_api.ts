/**
 * Calls to the JSON API for profiles, friends and direct conversations, for the islands.
 * Failures are `ApiRequestError`s whose message can be shown as is.
 *
 * @module
 */
import type {
  DirectRoom,
  FriendLists,
  ProfilePatchResponse,
  PublicProfile,
} from "../lib/common/api_types.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import { request } from "./rooms_api.ts";

const path = (name: string) => encodeURIComponent(name);

/** `GET /api/users/:username`: a profile by exact username. */
export async function findUser(username: string): Promise<PublicProfile> {
  return (await request<{ profile: PublicProfile }>("GET", `/api/users/${path(username)}`))
    .profile;
}

/** `PATCH /api/me/profile`: display name, status, UI language (null: the browser's), last seen hidden. */
export async function updateProfile(
  displayName: string,
  status: string,
  locale: Locale | null,
  hideLastSeen: boolean,
): Promise<ProfilePatchResponse> {
  const body = { displayName, status, locale, hideLastSeen };
  return await request<ProfilePatchResponse>("PATCH", "/api/me/profile", body);
}

/** `GET /api/friends`. */
export function listFriends(): Promise<FriendLists> {
  return request<FriendLists>("GET", "/api/friends");
}

/** `POST /api/friends/requests`: "pending", or "friends" when they had asked first. */
export async function sendRequest(username: string, note: string): Promise<string> {
  const body = note ? { username, note } : { username };
  return (await request<{ status: string }>("POST", "/api/friends/requests", body)).status;
}

/** What can be done about someone else's request, a friend or a user. */
export type FriendAction = "accept" | "decline" | "cancel" | "remove" | "block" | "unblock";

/** Accepts, declines, cancels, removes, blocks or unblocks. */
export async function friendAction(action: FriendAction, username: string): Promise<void> {
  const name = path(username);
  if (action === "accept" || action === "decline") {
    await request("POST", `/api/friends/requests/${name}/${action}`);
  } else if (action === "cancel") await request("DELETE", `/api/friends/requests/${name}`);
  else if (action === "remove") await request("DELETE", `/api/friends/${name}`);
  else if (action === "unblock") await request("DELETE", `/api/friends/blocks/${name}`);
  else await request("POST", "/api/friends/blocks", { username });
}

/**
 * `POST /api/dms`: the conversation with a friend, opened if needed; with `encrypted`, the
 * pair's secret chat (end-to-end encrypted, a room of its own).
 */
export async function openDm(username: string, encrypted = false): Promise<DirectRoom> {
  const body = encrypted ? { username, encrypted: true } : { username };
  return (await request<{ room: DirectRoom }>("POST", "/api/dms", body)).room;
}
