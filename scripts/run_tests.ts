/**
 * `deno task test`: makes sure Chromium and redis-server are there, builds the browser assets,
 * then runs every test (`deno test`), passing on any extra arguments (a file or `--filter`).
 * A plain `deno test -A` also works once Chromium and redis-server are installed: the tests
 * then build the assets themselves (tests/helpers/built_assets.ts).
 *
 * @module
 */
import { build } from "./build.ts";
import { CHROMIUM, ensurePrograms, NGINX, REDIS_SERVER, TURNSERVER } from "./ensure_programs.ts";
import { ASSETS_BUILT_ENV } from "../tests/helpers/built_assets.ts";

const programs = await ensurePrograms([CHROMIUM, REDIS_SERVER, NGINX, TURNSERVER]);
await build();
const status = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--parallel", ...Deno.args],
  cwd: new URL("..", import.meta.url),
  // The build just made is the current one; the tests need not make their own.
  env: { ...programs, [ASSETS_BUILT_ENV]: "1" },
  stdin: "inherit",
}).spawn().status;
Deno.exit(status.code);
