/**
 * `deno task test`: makes sure Chromium and redis-server are there, builds the browser assets,
 * then runs every test (`deno test`), passing on any extra arguments (a file or `--filter`).
 *
 * @module
 */
import { build } from "./build.ts";
import { ensureChromium } from "./ensure_chromium.ts";
import { ensureRedis } from "./ensure_redis.ts";

const chromium = await ensureChromium();
const redisServer = await ensureRedis();
await build();
const status = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--parallel", ...Deno.args],
  cwd: new URL("..", import.meta.url),
  env: { CHROMIUM_PATH: chromium, REDIS_SERVER_PATH: redisServer },
  stdin: "inherit",
}).spawn().status;
Deno.exit(status.code);
