/**
 * Calls to the JSON API for one's own account and for reports, for the islands.
 * Failures are `ApiRequestError`s whose message can be shown as is.
 *
 * @module
 */
import { request } from "./rooms_api.ts";

/** Where the browser downloads the user's own data (`GET`, a JSON attachment). */
export const EXPORT_URL = "/api/me/account/export";

/** `POST /api/me/account/delete`: deletes the account; the session ends with it. */
export async function deleteAccount(password: string): Promise<void> {
  await request<void>("POST", "/api/me/account/delete", { password });
}

/** `POST /api/reports`: reports someone else's message to the administrator. */
export async function reportMessage(room: string, seq: number, reason: string): Promise<void> {
  await request<{ id: string }>("POST", "/api/reports", { room, seq, reason });
}
