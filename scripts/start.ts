/**
 * `deno task start`: builds the browser assets, then runs `deno serve --parallel` (one worker
 * per core) on `PORT`, with the environment of `serve_env.ts` added. With `--dev`: one worker
 * that restarts on file changes.
 *
 * @module
 */
import { build } from "./build.ts";
import { serveEnv } from "./serve_env.ts";

await build();
const port = Deno.env.get("PORT") || "8000";
const dev = Deno.args.includes("--dev");
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "serve",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    // For the default UNSENT_BYTES_BUDGET, derived from the memory available at start.
    "--allow-sys=systemMemoryInfo",
    "--port",
    port,
    ...(dev ? ["--watch"] : ["--parallel"]),
    "main.ts",
  ],
  cwd: new URL("..", import.meta.url),
  env: serveEnv((name) => Deno.env.get(name)),
  stdin: "inherit",
}).spawn();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => child.kill(signal));
}
Deno.exit((await child.status).code);
