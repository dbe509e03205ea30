/**
 * A Deno KV handle that reports how long each atomic commit takes, for the commit latency
 * histogram. Every write of the chat goes through `kv.atomic().commit()` (most via
 * `commitAtomic` in `kv_commit.ts`, which retries a locked database: each attempt is timed),
 * so wrapping the handle once in `createChatServer` times them all without handing a metrics
 * object to every service.
 *
 * @module
 */

/** Receives the duration of one commit attempt, in milliseconds, failed ones included. */
export type CommitObserver = (ms: number) => void;

/**
 * Returns a view of `kv` whose atomic operations call `observe` after each commit. Everything
 * else (reads, `watch`, `close`) is the handle's own; closing either closes both.
 *
 * @example Timing the commits of a store
 * ```ts
 * const kv = timeCommits(await Deno.openKv(":memory:"), (ms) => console.log(ms));
 * await kv.atomic().set(["a"], 1).commit(); // logs the milliseconds it took
 * ```
 */
export function timeCommits(kv: Deno.Kv, observe: CommitObserver): Deno.Kv {
  return new Proxy(kv, {
    get(target, property) {
      if (property === "atomic") return () => timed(target.atomic(), observe);
      const value = Reflect.get(target, property, target);
      // Deno.Kv's methods read internal slots, so they must run on the handle itself.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function timed(atomic: Deno.AtomicOperation, observe: CommitObserver): Deno.AtomicOperation {
  const commit = atomic.commit.bind(atomic);
  atomic.commit = async () => {
    const start = performance.now();
    try {
      return await commit();
    } finally {
      observe(performance.now() - start);
    }
  };
  return atomic;
}
