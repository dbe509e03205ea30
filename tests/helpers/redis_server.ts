/**
 * Runs a throwaway `redis-server` (no persistence, loopback only) as a child process for the
 * Redis tests. The binary is `REDIS_SERVER_PATH` (set by `deno task test`, see
 * `scripts/ensure_programs.ts`), else `/usr/bin/redis-server`.
 *
 * @module
 */
import { freePort } from "./test_server.ts";

/** A running `redis-server`. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Kills the server, waits for it to end and removes its folder. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/**
 * Starts `redis-server` on `port` (default: a free one) and waits until it answers `PING`. The
 * server is also killed when the test module unloads, so a file may start one at the top and
 * share it between its tests without ever calling `stop()`.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const binary = Deno.env.get("REDIS_SERVER_PATH") || "/usr/bin/redis-server";
  try {
    Deno.statSync(binary);
  } catch {
    throw new Error(
      `${binary} not found: run the tests with "deno task test" or "npm test" (either installs redis-server) or set REDIS_SERVER_PATH`,
    );
  }
  if (port !== undefined) return await spawnRedis(binary, port);
  let lastError: unknown;
  // The free port may be taken again before redis binds it; another port then fixes it.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnRedis(binary, freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function spawnRedis(binary: string, port: number): Promise<RedisServer> {
  const dir = await Deno.makeTempDir({ prefix: "redis-test-" });
  const logfile = `${dir}/redis.log`;
  const child = new Deno.Command(binary, {
    args: [
      ...["--port", String(port), "--bind", "127.0.0.1"],
      ...["--save", "", "--appendonly", "no", "--dir", dir],
      ...["--logfile", logfile, "--loglevel", "warning"],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.finally(() => exited = true);
  const kill = () => {
    try {
      if (!exited) child.kill("SIGKILL");
    } catch {
      // ended meanwhile
    }
  };
  const killOnUnload = () => {
    kill();
    Deno.removeSync(dir, { recursive: true });
  };
  globalThis.addEventListener("unload", killOnUnload);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      globalThis.removeEventListener("unload", killOnUnload);
      // Nothing to save, so no need for redis's graceful (100 ms) shutdown.
      kill();
      await status;
      await Deno.remove(dir, { recursive: true });
    })();

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!await answersPing(port)) {
    if (exited || Date.now() > deadline) {
      const log = await Deno.readTextFile(logfile).catch(() => "");
      await stop();
      throw new Error(`redis-server did not start on port ${port}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

async function answersPing(port: number): Promise<boolean> {
  let connection: Deno.TcpConn | undefined;
  try {
    connection = await Deno.connect({ hostname: "127.0.0.1", port });
    await connection.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(64);
    const read = await connection.read(buffer);
    return read !== null && new TextDecoder().decode(buffer.subarray(0, read)) === "+PONG\r\n";
  } catch {
    return false;
  } finally {
    connection?.close();
  }
}
