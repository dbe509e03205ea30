/**
 * The servers under test and how to start each: ours as `deno task start` runs it (`deno serve`
 * on `main.ts`, one worker pinned to a core, or `--parallel` unpinned, or two processes fanning
 * out through Redis), and the three peers of `peers/`. Each start gets a fresh copy of the
 * seeded KV file, so every run begins from the same data.
 *
 * @module
 */
import { freePort, SERVER_CORE, spawnChild, stopChild, waitForHttp } from "./process.ts";

/** Names of the servers the benchmark knows. */
export type ServerName = "ours" | "ours-parallel" | "ours-redis" | "socketio" | "ws" | "deno";

/** Client adapter of the load generator (`load/adapters.mjs`). */
export type ClientKind = "chat" | "socketio" | "ws" | "deno";

/** A server under test. */
export interface ServerSpec {
  name: ServerName;
  /** What it is, for the table. */
  label: string;
  client: ClientKind;
  /** Stores every message durably before delivering it. */
  persists: boolean;
  /** Pinned to {@linkcode SERVER_CORE} (the generator then gets the other core). */
  pinned: boolean;
}

/** Every server, in table order. */
export const SERVERS: readonly ServerSpec[] = [
  {
    name: "ours",
    label: "ours: deno serve, 1 worker",
    client: "chat",
    persists: true,
    pinned: true,
  },
  {
    name: "socketio",
    label: "Socket.IO 4 (Node, websocket)",
    client: "socketio",
    persists: false,
    pinned: true,
  },
  { name: "ws", label: "bare ws (Node)", client: "ws", persists: false, pinned: true },
  {
    name: "deno",
    label: "bare Deno.upgradeWebSocket",
    client: "deno",
    persists: false,
    pinned: true,
  },
  {
    name: "ours-parallel",
    label: "ours: deno serve --parallel (2 workers, as shipped)",
    client: "chat",
    persists: true,
    pinned: false,
  },
  {
    name: "ours-redis",
    label: "ours: 2 processes, one KV, Redis fan-out",
    client: "chat",
    persists: true,
    pinned: false,
  },
];

/** A started server. */
export interface RunningServer {
  /** Base URLs; the generator spreads its clients over them. */
  urls: string[];
  /** Processes whose CPU and memory count as the server's. */
  pids: number[];
  stop(): Promise<void>;
}

/** Where a server start finds its files. */
export interface StartContext {
  /** Seeded KV file to copy for our server. */
  seedKv: string;
  /** Use `seedKv` itself instead of a copy. */
  inPlace?: boolean;
  /** Scratch folder of this benchmark run. */
  workDir: string;
  /** Extra `deno serve` flags for our server (such as `--inspect`). */
  denoFlags?: string[];
  /**
   * Checkout whose `main.ts` our server runs (built with `deno task build`); default this one.
   * For comparing two versions in one run (`run.ts --against`).
   */
  serverDir?: string;
}

const root = new URL("../", import.meta.url);
let copies = 0;

/** True when the Redis broker exists and `main.ts` can be told to use it. */
export async function hasRedisBroker(): Promise<boolean> {
  const read = (path: string) => Deno.readTextFile(new URL(path, root)).catch(() => "");
  const [broker, main, config] = await Promise.all([
    read("lib/realtime/broker/broker_redis.ts"),
    read("main.ts"),
    read("lib/server/config.ts"),
  ]);
  return broker !== "" && (main + config).includes("REDIS_URL");
}

/** Starts a server and waits until it answers. */
export async function startServer(spec: ServerSpec, context: StartContext): Promise<RunningServer> {
  const core = spec.pinned ? SERVER_CORE : undefined;
  switch (spec.name) {
    case "ours":
    case "ours-parallel": {
      const kvPath = await copyKv(context);
      return await startOurs(kvPath, spec.name === "ours-parallel", core, context.denoFlags, {}, {
        cwd: context.serverDir,
      });
    }
    case "ours-redis":
      return await startOursWithRedis(await copyKv(context));
    case "socketio":
      return await startPeer(["node", "bench/peers/socketio_server.mjs"], core, context);
    case "ws":
      return await startPeer(["node", "bench/peers/ws_server.mjs"], core, context);
    case "deno": {
      const deno = [
        Deno.execPath(),
        "run",
        "--allow-net",
        ...(context.denoFlags ?? []),
        "bench/peers/deno_server.ts",
      ];
      return await startPeer(deno, core, context);
    }
  }
}

async function startOurs(
  kvPath: string,
  parallel: boolean,
  core: number | undefined,
  flags: string[] = [],
  env: Record<string, string>,
  { cwd }: { cwd?: string } = {},
): Promise<RunningServer> {
  const port = freePort();
  const dir = cwd ?? root;
  // The flags of scripts/start.ts, on loopback only, and its environment.
  const child = spawnChild({
    command: [
      Deno.execPath(),
      "serve",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...(parallel ? ["--parallel"] : []),
      ...flags,
      "main.ts",
    ],
    core,
    cwd: dir,
    env: { ...await serveEnvOf(dir), KV_PATH: kvPath, ...env },
    logFile: `${kvPath}.log`,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitOrStop(child, `${url}/login`);
  return { urls: [url], pids: [child.pid], stop: () => stopChild(child) };
}

async function startOursWithRedis(kvPath: string): Promise<RunningServer> {
  const redisPort = freePort();
  const redis = spawnChild({
    command: ["redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", ""],
    logFile: `${kvPath}.redis.log`,
  });
  const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  try {
    await waitForRedis(redisPort);
    const first = await startOurs(kvPath, false, undefined, [], env);
    const second = await startOurs(kvPath, false, undefined, [], env).catch(async (error) => {
      await first.stop();
      throw error;
    });
    return {
      urls: [...first.urls, ...second.urls],
      pids: [...first.pids, ...second.pids, redis.pid],
      async stop() {
        await Promise.all([first.stop(), second.stop()]);
        await stopChild(redis);
      },
    };
  } catch (error) {
    await stopChild(redis);
    throw error;
  }
}

async function startPeer(
  command: string[],
  core: number | undefined,
  context: StartContext,
): Promise<RunningServer> {
  const port = freePort();
  const logFile = `${context.workDir}/peer-${port}.log`;
  const child = spawnChild({ command: [...command, String(port)], core, cwd: root, logFile });
  const url = `http://127.0.0.1:${port}`;
  await waitOrStop(child, `${url}/health`);
  return { urls: [url], pids: [child.pid], stop: () => stopChild(child) };
}

async function waitOrStop(child: Deno.ChildProcess, url: string): Promise<void> {
  try {
    await waitForHttp(url);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function waitForRedis(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * The variables `deno task start` of the checkout in `dir` adds for its server
 * (`scripts/serve_env.ts`; none in a checkout from before it), so each version of a side-by-side
 * run starts as it would ship. Variables set in the benchmark's own environment win.
 */
async function serveEnvOf(dir: string | URL): Promise<Record<string, string>> {
  const module = new URL("scripts/serve_env.ts", new URL(String(dir).replace(/\/?$/, "/"), root));
  try {
    await Deno.stat(module);
  } catch {
    return {};
  }
  const { serveEnv } = await import(module.href) as typeof import("../scripts/serve_env.ts");
  return serveEnv((name) => Deno.env.get(name));
}

/** Copies the seeded KV (and its SQLite side files) to a fresh file for one server start. */
async function copyKv(context: StartContext): Promise<string> {
  if (context.inPlace) return context.seedKv;
  const target = `${context.workDir}/server-${copies++}.kv`;
  const ignoreMissing = (error: unknown) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  };
  for (const suffix of ["", "-wal", "-shm"]) {
    // A side file left by an earlier run would be applied to the fresh copy and corrupt it.
    await Deno.remove(target + suffix).catch(ignoreMissing);
    await Deno.copyFile(context.seedKv + suffix, target + suffix).catch(ignoreMissing);
  }
  return target;
}
