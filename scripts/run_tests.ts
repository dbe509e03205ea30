/**
 * `deno task test`: makes sure Chromium and redis-server are there, builds the browser assets,
 * then runs every test (`deno test`), passing on any extra arguments (a file or `--filter`).
 *
 * @module
 */
import { build } from "./build.ts";
import { CHROMIUM, ensurePrograms, REDIS_SERVER } from "./ensure_programs.ts";

const programs = await ensurePrograms([CHROMIUM, REDIS_SERVER]);
await build();
const status = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--parallel", ...Deno.args],
  cwd: new URL("..", import.meta.url),
  env: programs,
  stdin: "inherit",
}).spawn().status;
Deno.exit(status.code);
