/**
 * Builds the browser assets (`_build/`) once per test run, so that a plain `deno test -A` in a
 * fresh clone works as `deno task test` does, and never serves islands older than the code.
 *
 * @module
 */
import { build } from "../../scripts/build.ts";

/**
 * Set by `deno task test` (scripts/run_tests.ts), which builds just before it runs the tests;
 * the tests then use that build as it is.
 */
export const ASSETS_BUILT_ENV = "CHAT_ASSETS_BUILT";

const root = new URL("../../", import.meta.url);
const buildDir = new URL("_build/", root);

let ready: Promise<void> | undefined;

/**
 * Resolves once `_build/` holds the assets of the current code. The first caller of a run
 * builds; the others (other test files, which `deno test --parallel` runs in the same process)
 * wait on a file lock and then find the run's mark. Call it before starting a server.
 *
 * @example
 * ```ts
 * await ensureAssetsBuilt();
 * const chat = await createChatServer({ config, kv, broker });
 * ```
 *
 * @returns A promise that settles when the assets are there.
 * @throws {Error} When `deno bundle` fails.
 */
export function ensureAssetsBuilt(): Promise<void> {
  ready ??= Deno.env.get(ASSETS_BUILT_ENV) === "1" ? Promise.resolve() : buildOncePerRun();
  return ready;
}

async function buildOncePerRun(): Promise<void> {
  // One run is one `deno test` process: every parallel test file shares its pid. The parent's
  // pid is in the mark too, so a later run that happens to get the same pid still rebuilds.
  const run = `${Deno.pid}:${Deno.ppid}`;
  const mark = new URL(".built_for_test_run", buildDir);
  await Deno.mkdir(buildDir, { recursive: true });
  const lock = await Deno.open(new URL(".test_build.lock", buildDir), {
    create: true,
    write: true,
  });
  try {
    await lock.lock(true);
    const built = await Deno.readTextFile(mark).catch(() => "");
    if (built !== run) {
      await build({ root, quiet: true });
      await Deno.writeTextFile(mark, run);
    }
  } finally {
    lock.close();
  }
}
