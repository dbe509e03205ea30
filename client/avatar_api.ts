/**
 * Uploads and removes avatars: `POST` the encoded image as the raw body (its type in
 * Content-Type, which the server checks against the bytes anyway), `DELETE` to go back to the
 * generated default. Failures are `ApiRequestError`s whose message can be shown as is.
 *
 * @module
 */
import { request } from "./rooms_api.ts";

/** Where the signed-in user's avatar is uploaded. */
export const MY_AVATAR = "/api/me/avatar";

/** Where a group room's picture is uploaded (owner and admins). */
export function roomAvatar(roomId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}/avatar`;
}

/** Uploads `image` to `path`; returns the parsed answer. */
export function uploadAvatar<T>(path: string, image: Blob): Promise<T> {
  return request<T>("POST", path, image);
}

/** Removes the avatar at `path`; returns the parsed answer. */
export function removeAvatar<T>(path: string): Promise<T> {
  return request<T>("DELETE", path);
}
