/**
 * Deleting many keys at once, in commits small enough for Deno KV.
 *
 * @module
 */
import { commitAtomic } from "./kv_commit.ts";

/** Keys deleted per commit (well under KV's 1,000 mutations per commit). */
export const DELETE_BATCH = 500;

/**
 * Deletes every key of `doomed`, {@linkcode DELETE_BATCH} per commit: each batch is atomic,
 * the whole is not (a crash in between leaves the later batches).
 */
export async function deleteKeys(kv: Deno.Kv, doomed: readonly Deno.KvKey[]): Promise<void> {
  for (let i = 0; i < doomed.length; i += DELETE_BATCH) {
    const atomic = kv.atomic();
    for (const key of doomed.slice(i, i + DELETE_BATCH)) atomic.delete(key);
    await commitAtomic(atomic);
  }
}
