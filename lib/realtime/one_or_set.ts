/**
 * An index from a key to one value or several: the value itself while it is the only one, a
 * `Set` once there are several (kept until it is empty). Most users and sessions have one
 * socket, and a one-value `Set` costs 269 bytes of heap against 37 for the map entry alone
 * (200,000 entries, Deno 2.9), so each index of sockets kept this way saves about a quarter
 * of a KiB per idle connection (BENCHMARKS.md, scenario (e)). The values must not be sets.
 *
 * @module
 */

/** Values by key: one value, or a set of several. */
export type OneOrSetIndex<V extends object> = Map<string, V | Set<V>>;

/**
 * Adds `value` under `key`; returns how many values the key holds then.
 *
 * @example
 * ```ts
 * const index: OneOrSetIndex<{ id: number }> = new Map();
 * addTo(index, "alice", { id: 1 }); // 1
 * addTo(index, "alice", { id: 2 }); // 2
 * ```
 */
export function addTo<V extends object>(index: OneOrSetIndex<V>, key: string, value: V): number {
  const found = index.get(key);
  if (found === undefined) {
    index.set(key, value);
    return 1;
  }
  if (found instanceof Set) return found.add(value).size;
  if (found === value) return 1;
  index.set(key, new Set([found, value]));
  return 2;
}

/** Removes `value` from under `key`, and the key once no value is left; whether it was there. */
export function removeFrom<V extends object>(
  index: OneOrSetIndex<V>,
  key: string,
  value: V,
): boolean {
  const found = index.get(key);
  if (found === value) return index.delete(key);
  if (!(found instanceof Set) || !found.delete(value)) return false;
  if (found.size === 0) index.delete(key);
  return true;
}

/** The values under `key`, in the order they were added. */
export function valuesIn<V extends object>(index: OneOrSetIndex<V>, key: string): Iterable<V> {
  const found = index.get(key);
  return found === undefined ? [] : found instanceof Set ? found : [found];
}
