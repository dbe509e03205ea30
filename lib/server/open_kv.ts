import { dirname } from "node:path";

/**
 * Opens Deno KV at `path`: `:memory:` for a throwaway store, an empty string for the
 * platform default (Deno Deploy), an http(s) URL for a remote KV, else a file whose folder is
 * created when missing.
 */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path === "") return await Deno.openKv();
  const isUrl = /^https?:\/\//.test(path);
  if (path !== ":memory:" && !isUrl) await Deno.mkdir(dirname(path), { recursive: true });
  return await Deno.openKv(path);
}
