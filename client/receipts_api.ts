/**
 * Calls to the read receipt setting (`routes/read_settings.ts`).
 *
 * @module
 */
import { request } from "./rooms_api.ts";

/** `GET /api/me/receipts`: whether the user sends and sees read receipts. */
export async function receiptsEnabled(): Promise<boolean> {
  return (await request<{ enabled: boolean }>("GET", "/api/me/receipts")).enabled;
}

/** `PUT /api/me/receipts`: turns read receipts on or off. */
export async function setReceiptsEnabled(enabled: boolean): Promise<boolean> {
  return (await request<{ enabled: boolean }>("PUT", "/api/me/receipts", { enabled })).enabled;
}
