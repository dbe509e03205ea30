/**
 * The people directory's API call, for the islands.
 *
 * @module
 */
import type { DirectoryResults, PublicProfile } from "../lib/common/api_types.ts";
import { request } from "./rooms_api.ts";

/** `GET /api/directory?q=`: the people whose name starts with `query`, as the caller sees them. */
export async function searchDirectory(query: string): Promise<PublicProfile[]> {
  const q = encodeURIComponent(query);
  return (await request<DirectoryResults>("GET", `/api/directory?q=${q}`)).users;
}
