/**
 * Runs the app as a separate process, the way `deno task start` does (`deno serve`, optionally
 * `--parallel`, with the environment of `scripts/serve_env.ts`), for restart, crash and
 * multi-worker tests.
 *
 * @module
 */
import { ensureAssetsBuilt } from "./built_assets.ts";
import { startRedisServer } from "./redis_server.ts";
import { freePort } from "./test_server.ts";
import { serveEnv } from "../../scripts/serve_env.ts";

/** A chat server running in a child process. */
export interface ServerProcess {
  url: string;
  port: number;
  /** Process id, e.g. to read its memory with {@linkcode residentBytes}. */
  pid: number;
  /** Sends a signal and waits for the process to end; returns how it ended. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Options of {@linkcode spawnServer}. */
export interface SpawnOptions {
  kvPath: string;
  /** One worker per core, as shipped. */
  parallel?: boolean;
  port?: number;
  env?: Record<string, string>;
  /** Flags before the entry, e.g. `--v8-flags=--expose-gc`. */
  denoArgs?: string[];
  /** Module to serve, relative to the repository root. Default `main.ts`. */
  entry?: string;
}

const root = new URL("../../", import.meta.url);

/**
 * Starts `deno serve main.ts` and waits until it answers HTTP and, with `parallel`, until every
 * worker has started: a worker joins the port's `SO_REUSEPORT` group only once its module has
 * run, so a test that needs sockets on two workers could otherwise find only the first one
 * listening on a busy machine.
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  await ensureAssetsBuilt();
  const port = options.port ?? freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "-A",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...(options.parallel ? ["--parallel"] : []),
      ...(options.denoArgs ?? []),
      options.entry ?? "main.ts",
    ],
    cwd: root,
    // The variables `deno task start` adds, unless the test or its caller set them.
    env: { ...serveEnv((name) => Deno.env.get(name)), KV_PATH: options.kvPath, ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Each worker logs "node started" (as JSON, the default format); one worker needs no count.
  const workers = options.parallel
    ? Number(options.env?.DENO_JOBS) || navigator.hardwareConcurrency
    : 0;
  if (workers > 0 && (options.env?.LOG_FORMAT ?? "json") !== "json") {
    throw new Error("spawnServer: with parallel, the workers' JSON log tells when they started");
  }
  const started = countStartedNodes(child.stdout);
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const drain = (async () => {
    for (;;) {
      const { value, done } = await stderr.read();
      if (done) return;
      log += value;
    }
  })();
  let exited = false;
  const status = child.status.finally(() => exited = true);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/login`);
      await response.body?.cancel();
      if (response.ok && started.count >= workers) break;
    } catch {
      // not listening yet
    }
    // A server that exited (a startup error) has said why in its log.
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      await status;
      await drain;
      await started.drained;
      throw new Error(`server did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    pid: child.pid,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already ended
      }
      const status = await child.status;
      await drain;
      await started.drained;
      return status;
    },
  };
}

/**
 * Reads a server's standard output to its end (so its log never blocks on a full pipe) and
 * counts the workers' "node started" lines (main.ts).
 */
function countStartedNodes(
  stdout: ReadableStream<Uint8Array<ArrayBuffer>>,
): { count: number; drained: Promise<void> } {
  const started = { count: 0, drained: Promise.resolve() };
  const lines = stdout.pipeThrough(new TextDecoderStream()).getReader();
  started.drained = (async () => {
    let partial = "";
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      const text = partial + value;
      const end = text.lastIndexOf("\n");
      partial = text.slice(end + 1);
      for (const line of text.slice(0, end + 1).split("\n")) {
        if (line.includes('"msg":"node started"')) started.count++;
      }
    }
  })();
  return started;
}

/** Resident memory of process `pid` (`VmRSS` from `/proc`), in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/**
 * Runs `fn` with two `deno serve` processes that share one fresh KV file (and `env`), as two
 * processes of one machine would; stops both afterwards, and also when only one came up.
 */
export async function withServerPair(
  env: Record<string, string>,
  fn: (a: ServerProcess, b: ServerProcess) => Promise<void>,
  options: Pick<SpawnOptions, "entry"> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const servers: ServerProcess[] = [];
  try {
    const spawn = { ...options, kvPath: `${dir}/chat.kv`, env };
    const started = await Promise.allSettled([spawnServer(spawn), spawnServer(spawn)]);
    for (const result of started) {
      if (result.status === "fulfilled") servers.push(result.value);
    }
    for (const result of started) if (result.status === "rejected") throw result.reason;
    await fn(servers[0]!, servers[1]!);
  } finally {
    for (const server of servers) await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs `fn` with two `deno serve` processes that share one KV file and one real Redis (a
 * fresh `redis-server`), as two machines of one chat would; stops all three afterwards.
 */
export async function withRedisPair(
  env: Record<string, string>,
  fn: (a: ServerProcess, b: ServerProcess) => Promise<void>,
): Promise<void> {
  const redis = await startRedisServer();
  try {
    await withServerPair({ REDIS_URL: redis.url, ...env }, fn);
  } finally {
    await redis.stop();
  }
}
