import { dirname } from "node:path";

/**
 * Opens Deno KV at `path`: `:memory:` for a throwaway store, an empty string for the
 * platform default (Deno Deploy), else a file whose folder is created when missing.
 */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path === "") return await Deno.openKv();
  if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
  return await Deno.openKv(path);
}
