/**
 * The scenarios, each on a freshly started server: the load ladders (a) to (c), the connect
 * storm (d) and idle memory (e). Each returns plain figures for the report.
 *
 * @module
 */
import type { ScenarioConfig, UserEventsConfig } from "./config.ts";
import { type GeneratorJob, HoldGenerator, runGenerator } from "./generator.ts";
import { type Layout, roomOf } from "./layout.ts";
import { rssKib, waitForQuiet } from "./process.ts";
import type { SeededUser } from "./seed.ts";
import { type ServerSpec, type StartContext, startServer } from "./servers.ts";

/** Latency summary of one step, in milliseconds. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** One step of a ladder, as measured by the generator (`load/ladder.mjs`). */
export interface StepResult {
  offered: number;
  sendsPerSecond: number;
  sent: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  deliveredPerSecond: number;
  latency: LatencySummary;
  sendLagP99Ms: number;
  generatorCpu: number;
  serverCpu: number;
  /** CPU of other processes on the machine during the step, in cores. */
  backgroundCpu: number;
  /** Share of the step the generator's main thread waited for a CPU (judged: void over 10%). */
  waited: number;
  /** Share of the step the server's main thread waited for a CPU (recorded only). */
  serverWaited: number;
  generatorCpuSeconds: number;
  serverCpuSeconds: number;
  /**
   * The server's CPU seconds over the step and its drain, by thread (main JavaScript thread,
   * Deno KV's SQLite threads, the rest) and as user and kernel time (`load/cpu.mjs`).
   */
  serverThreadSeconds?: {
    js: number;
    sqlite: number;
    helpers: number;
    user: number;
    system: number;
  };
  connectionsLost: number;
  serverErrors: string[];
  valid: boolean;
  pass: boolean;
  reason: string;
  /** Tries this step took (a void step is tried again). */
  attempts: number;
}

/** A whole ladder run. */
export interface LadderResult {
  connectMs: number;
  failed: number;
  failures?: string[];
  steps: StepResult[];
  serverCpuSeconds?: number;
  generatorCpuSeconds?: number;
}

/** Result of the connect storm (d). */
export interface StormResult {
  connections: number;
  failed: number;
  failures: string[];
  seconds: number;
  perSecond: number;
  serverCpu: number;
  generatorCpu: number;
  /** CPU of other processes on the machine meanwhile, in cores. */
  backgroundCpu: number;
  serverCpuSeconds: number;
  generatorCpuSeconds: number;
}

/** One level of the idle-memory scenario (e). */
export interface IdleLevel {
  connections: number;
  failed: number;
  rssKib: number;
  /** (RSS now − RSS before any connection) / connections, in KiB. */
  kibPerConnection: number;
}

/** Result of the idle-memory scenario (e). */
export interface IdleResult {
  baselineKib: number;
  levels: IdleLevel[];
}

/** Result of the user-events scenario (u), from `load/user_events.mjs`. */
export interface UserEventsResult {
  connectMs: number;
  /** Connections that could not be opened. */
  failed: number;
  failures?: string[];
  clients: number;
  roomSize: number;
  /** Offered profile changes per second. */
  rate: number;
  /** Changes made in the measured window. */
  sent: number;
  /** `user_event` deliveries expected (sent × room size), received, and missing. */
  expected: number;
  received: number;
  missing: number;
  /** Changes the server refused or that failed. */
  failedRequests: number;
  /** From each change's scheduled time to each `user_event` delivery. */
  latency: LatencySummary;
  /** From each change's scheduled time to its HTTP response. */
  requestLatency: LatencySummary;
  sendLagP99Ms: number;
  /** Server CPU with every client connected and nothing sent, in cores. */
  idleServerCpu: number;
  serverCpu: number;
  generatorCpu: number;
  backgroundCpu: number;
  serverCpuSeconds: number;
  /** Server CPU per change, in µs: all of it, and net of the idle window's rate. */
  serverMicrosPerEvent: number;
  netServerMicrosPerEvent: number;
  /** Connections lost during the run. */
  lost: number;
  errors?: string[];
}

/** Everything a scenario needs besides the server. */
export interface ScenarioContext extends StartContext {
  users: readonly SeededUser[];
  /** Longest wait for a quiet machine before each scenario. */
  quietWaitMs: number;
}

/** Clients of a layout for the generator: room by room, with their cookies. */
export function clientsOf(layout: Layout, users: readonly SeededUser[], count = layout.clients) {
  const offset = layout.offset ?? 0;
  return Array.from(
    { length: count },
    (_, i) => ({ room: roomOf(layout, i), cookie: users[offset + i]!.cookie }),
  );
}

/** Runs one load ladder (scenarios a, b, c) against a fresh start of `spec`. */
export async function runLadder(
  spec: ServerSpec,
  scenario: ScenarioConfig,
  context: ScenarioContext,
  steps: number[] = scenario.steps,
  stopAtKnee = true,
): Promise<LadderResult> {
  await waitForQuiet(context.quietWaitMs);
  const server = await startServer(spec, context);
  try {
    const job: GeneratorJob = {
      mode: "ladder",
      kind: spec.client,
      urls: server.urls,
      clients: clientsOf(scenario.layout, context.users),
      connectWindow: 200,
      serverPids: server.pids,
      roomSize: scenario.layout.roomSize,
      steps,
      stepMs: scenario.stepMs,
      warmupMs: scenario.warmupMs,
      drainMs: scenario.drainMs,
      p99LimitMs: scenario.p99LimitMs,
      retries: scenario.retries,
      stopAtKnee,
    };
    return await runGenerator<LadderResult>(job, { pinned: spec.pinned, workDir: context.workDir });
  } finally {
    await server.stop();
  }
}

/** Connect storm (d): opens `connections` clients as fast as a window of `window` allows. */
export async function runStorm(
  spec: ServerSpec,
  layout: Layout,
  window: number,
  context: ScenarioContext,
): Promise<StormResult> {
  await waitForQuiet(context.quietWaitMs);
  const server = await startServer(spec, context);
  try {
    return await runGenerator<StormResult>({
      mode: "storm",
      kind: spec.client,
      urls: server.urls,
      clients: clientsOf(layout, context.users),
      connectWindow: window,
      serverPids: server.pids,
    }, { pinned: spec.pinned, workDir: context.workDir });
  } finally {
    await server.stop();
  }
}

/**
 * User events (u): every client connected and in its room, profile changes at a fixed rate,
 * each sent live to its user's room; server CPU per change and delivery latency.
 */
export async function runUserEvents(
  spec: ServerSpec,
  config: UserEventsConfig,
  context: ScenarioContext,
): Promise<UserEventsResult> {
  await waitForQuiet(context.quietWaitMs);
  const server = await startServer(spec, context);
  try {
    return await runGenerator<UserEventsResult>({
      mode: "events",
      kind: spec.client,
      urls: server.urls,
      clients: clientsOf(config.layout, context.users),
      connectWindow: 200,
      serverPids: server.pids,
      roomSize: config.layout.roomSize,
      rate: config.rate,
      stepMs: config.stepMs,
      idleMs: config.idleMs,
      drainMs: config.drainMs,
    }, { pinned: spec.pinned, workDir: context.workDir });
  } finally {
    await server.stop();
  }
}

/**
 * Idle memory (e): RSS of a fresh server, then after each level of idle connections (each
 * joined to one room of the layout). Levels past `perProcess` connections are split over
 * several generator processes, keeping each under the file-descriptor cap.
 */
export async function runIdle(
  spec: ServerSpec,
  layout: Layout,
  levels: readonly number[],
  perProcess: number,
  settleMs: number,
  context: ScenarioContext,
): Promise<IdleResult> {
  const server = await startServer(spec, context);
  const pid = server.pids[0]!;
  const processes = Math.ceil(Math.max(...levels) / perProcess);
  const all = clientsOf(layout, context.users, Math.max(...levels));
  const generators: HoldGenerator[] = [];
  try {
    for (let p = 0; p < processes; p++) {
      generators.push(
        await HoldGenerator.start({
          mode: "hold",
          kind: spec.client,
          urls: server.urls,
          clients: all.filter((_, i) => i % processes === p),
          connectWindow: 200,
          serverPids: server.pids,
        }, { pinned: spec.pinned, workDir: context.workDir }),
      );
    }
    await sleep(settleMs);
    const baselineKib = rssKib(pid);
    const result: IdleResult = { baselineKib, levels: [] };
    let opened = 0;
    for (const level of levels) {
      const statuses = await Promise.all(
        generators.map((generator, p) =>
          generator.open(shareOf(level, p, processes) - shareOf(opened, p, processes))
        ),
      );
      opened = level;
      await sleep(settleMs);
      const rss = rssKib(pid);
      const failed = statuses.reduce((sum, status) => sum + status.failed + status.lost, 0);
      result.levels.push({
        connections: level,
        failed,
        rssKib: rss,
        kibPerConnection: (rss - baselineKib) / level,
      });
      console.log(`  ${level} idle: RSS ${(rss / 1024).toFixed(0)} MiB, failed ${failed}`);
    }
    return result;
  } finally {
    await Promise.all(generators.map((generator) => generator.close()));
    await server.stop();
  }
}

/** How many of the first `total` clients belong to process `p` of `processes` (round robin). */
function shareOf(total: number, p: number, processes: number): number {
  return Math.floor(total / processes) + (p < total % processes ? 1 : 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
