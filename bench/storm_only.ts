/**
 * `deno task bench --only storm [--quick] [--rounds 3] [--against DIR] [--profile]`: the connect
 * storm (d) alone, on our server (one worker, pinned) and bare Deno, `rounds` times in the order
 * A B C, C B A, …; with `--against DIR` the server of another checkout (`deno task build` run
 * there) too. Prints connections per second and the server's CPU per connection, the robust
 * figure on a shared machine, and their medians. `--profile` adds one storm of ours under a V8
 * CPU profile (kept in `bench/.cache/server-d.cpuprofile`) and prints where the time went.
 * `--idle N` adds, in every round, the idle memory scenario (e) at N connections (5,000 by
 * default with `--idle` alone) for the same servers: KiB of RSS per idle connection.
 * `--friends N` gives every seeded user N friends (a ring): each connect then tells the friends
 * connected before it "came online".
 *
 * @module
 */
import type { BenchConfig } from "./config.ts";
import { runGenerator } from "./generator.ts";
import { killChildren } from "./process.ts";
import { freePort } from "./process.ts";
import { Inspector, summarize } from "./profile.ts";
import {
  clientsOf,
  runIdle,
  runStorm,
  type ScenarioContext,
  type StormResult,
} from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { SERVERS, type ServerSpec, startServer } from "./servers.ts";

/** One measured storm. */
interface StormRun {
  server: string;
  result: StormResult;
}

/** Runs the connect storm alone; see the module doc. */
export async function runStormOnly(
  config: BenchConfig,
  options: {
    against?: string;
    rounds: number;
    quick: boolean;
    profile: boolean;
    /** Idle connections to hold for scenario (e) in every round; none when absent. */
    idle?: number;
    /** Friends of every seeded user (a ring); none when absent. */
    friends?: number;
  },
): Promise<void> {
  const { window } = config.storm;
  const idleLayout = { ...config.idle.layout, clients: options.idle ?? 0 };
  const layout = { ...config.storm.layout, prefix: idleLayout.prefix };
  const workDir = await Deno.makeTempDir({ prefix: "chat-bench-d-" });
  const ours = SERVERS.find((spec) => spec.name === "ours")!;
  const bare = SERVERS.find((spec) => spec.name === "deno")!;
  const versions: { name: string; spec: ServerSpec; serverDir?: string }[] = [
    { name: "ours (this)", spec: ours },
    ...(options.against
      ? [{ name: "ours (against)", spec: ours, serverDir: options.against }]
      : []),
    { name: "bare Deno", spec: bare },
  ];
  const runs: StormRun[] = [];
  const idle: { server: string; kib: number }[] = [];
  try {
    // One layout for both: the storm's clients are the first of the idle scenario's.
    const seeded = { ...layout, clients: Math.max(layout.clients, idleLayout.clients) };
    const users = await seedChat(`${workDir}/seed.kv`, seeded.clients, [seeded], options.friends);
    const context: ScenarioContext = {
      seedKv: `${workDir}/seed.kv`,
      workDir,
      users,
      quietWaitMs: options.quick ? 3_000 : 10_000,
    };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? versions : [...versions].reverse();
      for (const version of order) {
        const result = await runStorm(version.spec, layout, window, {
          ...context,
          serverDir: version.serverDir,
        });
        runs.push({ server: version.name, result });
        console.log(`  round ${round + 1}, ${version.name}: ${line(result)}`);
        if (!options.idle) continue;
        const { perProcess, settleMs } = config.idle;
        const held = await runIdle(version.spec, idleLayout, [options.idle], perProcess, settleMs, {
          ...context,
          serverDir: version.serverDir,
        });
        const kib = held.levels[0]!.kibPerConnection;
        idle.push({ server: version.name, kib });
        console.log(`  round ${round + 1}, ${version.name}: ${kib.toFixed(1)} KiB per idle conn`);
      }
    }
    for (const version of versions) {
      const mine = runs.filter((run) => run.server === version.name).map((run) => run.result);
      console.log(
        `${version.name}: median ${median(mine.map((r) => r.perSecond)).toFixed(0)} ` +
          `connections/s, ${median(mine.map(cpuPerConnection)).toFixed(0)} µs server CPU each` +
          (options.idle
            ? `; ${
              median(idle.filter((i) => i.server === version.name).map((i) => i.kib)).toFixed(1)
            } KiB per idle connection at ${options.idle}`
            : ""),
      );
    }
    if (options.profile) await profileStorm(ours, config, context);
  } finally {
    killChildren();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** One storm of ours under the V8 CPU profiler; prints the busiest functions and areas. */
async function profileStorm(
  spec: ServerSpec,
  config: BenchConfig,
  context: ScenarioContext,
): Promise<void> {
  const inspectPort = freePort();
  const server = await startServer(spec, {
    ...context,
    denoFlags: [`--inspect=127.0.0.1:${inspectPort}`],
  });
  try {
    const inspector = await Inspector.open(inspectPort);
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
    await inspector.call("Profiler.start");
    const result = await runGenerator<StormResult>({
      mode: "storm",
      kind: spec.client,
      urls: server.urls,
      clients: clientsOf(config.storm.layout, context.users),
      connectWindow: config.storm.window,
      serverPids: server.pids,
    }, { pinned: spec.pinned, workDir: context.workDir });
    const { profile } = await inspector.call("Profiler.stop") as {
      profile: Parameters<typeof summarize>[0];
    };
    inspector.close();
    const cache = new URL(".cache/", import.meta.url).pathname;
    await Deno.mkdir(cache, { recursive: true });
    await Deno.writeTextFile(`${cache}server-d.cpuprofile`, JSON.stringify(profile));
    const summary = summarize(profile);
    console.log(`profiled storm: ${line(result)}; V8 busy ${summary.busySeconds.toFixed(2)} s`);
    const top = (spots: { name: string; percent: number }[]) =>
      spots.slice(0, 25).map((spot) => `  ${spot.percent.toFixed(1)}% ${spot.name}`).join("\n");
    console.log(`areas:\n${top(summary.areas)}\nfunctions:\n${top(summary.functions)}`);
  } finally {
    await server.stop();
  }
}

function cpuPerConnection(result: StormResult): number {
  return result.serverCpuSeconds / result.connections * 1e6;
}

function line(result: StormResult): string {
  return `${result.perSecond.toFixed(0)} connections/s, ${cpuPerConnection(result).toFixed(0)} ` +
    `µs server CPU each, ${result.failed} failed, generator ${
      (result.generatorCpu * 100).toFixed(0)
    }% CPU, others ${(result.backgroundCpu * 100).toFixed(0)}%`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}
