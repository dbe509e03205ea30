/**
 * The message search API call, for the search dialog.
 *
 * @module
 */
import type { SearchPage } from "../lib/common/api_types.ts";
import { request } from "./rooms_api.ts";

/** What the search dialog asks for; empty fields are left out of the request. */
export interface SearchParams {
  q: string;
  room?: string;
  from?: string;
  before?: number;
  after?: number;
  has?: "file" | "image";
  cursor?: string;
}

/** `GET /api/search`: a page of the messages the user can read that match, newest first. */
export async function searchMessages(params: SearchParams): Promise<SearchPage> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(name, String(value));
  }
  return await request<SearchPage>("GET", `/api/search?${query}`);
}
