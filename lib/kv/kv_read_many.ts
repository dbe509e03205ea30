/**
 * Reading many keys at once, in `getMany` calls small enough for Deno KV.
 *
 * @module
 */

/** Keys read per `getMany` (KV's limit). */
export const READ_BATCH = 10;

/**
 * The entries of `keyList`, in its order, {@linkcode READ_BATCH} keys per `getMany`, all
 * batches in flight at once. The batches are not one snapshot: each is consistent alone.
 */
export async function readMany<T>(
  kv: Deno.Kv,
  keyList: readonly Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<T>[]> {
  const batches: Promise<Deno.KvEntryMaybe<T>[]>[] = [];
  for (let i = 0; i < keyList.length; i += READ_BATCH) {
    batches.push(kv.getMany<T[]>(keyList.slice(i, i + READ_BATCH)));
  }
  return (await Promise.all(batches)).flat();
}
