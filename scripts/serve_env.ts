/**
 * The environment `deno task start` adds for the server process it spawns, beside the
 * operator's own: glibc's `MALLOC_ARENA_MAX=1`. Deno KV's SQLite work and Deno's runtime run on
 * threads of their own, and glibc gives such threads malloc arenas of their own, whose freed
 * memory the other threads never reuse. One arena kept 0.9 KiB less resident per idle
 * connection at 5,000 (3 %), and the write path and the fan-out no more CPU, measured side by
 * side (BENCHMARKS.md, "Idle memory and connect storm, round five"). The benchmark and the
 * process tests start the server with the same variables.
 *
 * @module
 */

/** Variables the server process gets unless the operator set them. */
export const SERVE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "1" };

/**
 * The variables of {@linkcode SERVE_ENV} that `current` does not set, so an operator's own
 * `MALLOC_ARENA_MAX` wins. Pass them as a child's `env` (Deno adds them to the inherited ones).
 *
 * @example
 * ```ts
 * serveEnv((name) => Deno.env.get(name)); // { MALLOC_ARENA_MAX: "1" } unless already set
 * ```
 */
export function serveEnv(current: (name: string) => string | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SERVE_ENV).filter(([name]) => current(name) === undefined),
  );
}
