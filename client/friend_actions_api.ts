/**
 * Calls to the JSON API that change friendships and one's own profile, for the islands; not
 * needed to open the chat page, so loaded when first used. Failures are `ApiRequestError`s whose
 * message can be shown as is.
 *
 * @module
 */
import type { ProfilePatchResponse } from "../lib/common/api_types.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import { path } from "./friends_api.ts";
import { request } from "./rooms_api.ts";

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
