/**
 * A throwaway in-memory Deno KV for unit tests of KV code: the real KV engine, nothing on disk.
 *
 * @module
 */

/**
 * Runs `fn` with a fresh `Deno.openKv(":memory:")` and closes it afterwards, pass or fail.
 *
 * @example
 * ```ts
 * Deno.test("…", () => withMemoryKv(async (kv) => { await kv.set(["a"], 1); }));
 * ```
 */
export async function withMemoryKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}
