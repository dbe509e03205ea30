/**
 * Calls to the JSON API that the chat page makes as it opens: profiles, the friend lists and
 * direct conversations. Changes to friendships and to one's profile are in
 * `friend_actions_api.ts`, loaded when first used. Failures are `ApiRequestError`s whose
 * message can be shown as is.
 *
 * @module
 */
import type { DirectRoom, FriendLists, PublicProfile } from "../lib/common/api_types.ts";
import { request } from "./rooms_api.ts";

/** A username as one segment of an API path. */
export const path = (name: string): string => encodeURIComponent(name);

/** `GET /api/users/:username`: a profile by exact username. */
export async function findUser(username: string): Promise<PublicProfile> {
  return (await request<{ profile: PublicProfile }>("GET", `/api/users/${path(username)}`))
    .profile;
}

/** `GET /api/friends`. */
export function listFriends(): Promise<FriendLists> {
  return request<FriendLists>("GET", "/api/friends");
}

/**
 * `POST /api/dms`: the conversation with a friend, opened if needed; with `encrypted`, the
 * pair's secret chat (end-to-end encrypted, a room of its own).
 */
export async function openDm(username: string, encrypted = false): Promise<DirectRoom> {
  const body = encrypted ? { username, encrypted: true } : { username };
  return (await request<{ room: DirectRoom }>("POST", "/api/dms", body)).room;
}
