/**
 * `deno task bench --only small-rooms`: scenario (b), rooms of two, alone, on our single worker
 * (and bare Deno with `--bare`). `deno task bench --only fan-out` runs scenario (a), rooms of
 * 100, the same way, every rate in each round (the ladder does not stop at a failing step).
 * With `--against DIR` the server of another checkout
 * (`deno task build` run there) runs in the same session, alternating with this one (A B, then
 * B A), so the drift of a shared machine falls on both alike. Prints, per step, the deliveries
 * per second, p99, losses and the server's CPU per durable send and per delivery, the latter
 * by thread (JavaScript, SQLite, the rest) and as user and kernel time.
 *
 * Options: `--clients N` (default 1,000, in rooms of 2; `--room-size N` for rooms of N, such as
 * 100 for the fan-out path of (a)), `--rates R1,R2,…` (offered deliveries
 * per second; the ladder stops at its knee), `--rounds N`, `--step-ms MS`, `--profile RATE`
 * (a V8 CPU profile of this checkout at one rate instead, with `/proc` thread times).
 *
 * @module
 */
import type { ScenarioConfig } from "./config.ts";
import { runProfile } from "./profile.ts";
import { profileText } from "./report/profile_text.ts";
import { type LadderResult, runLadder, type ScenarioContext } from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { SERVERS } from "./servers.ts";
import { killChildren } from "./process.ts";

/** What `--only small-rooms` was asked for. */
export interface SmallRoomsOptions {
  clients: number;
  /** Members per room: 2 for scenario (b) (the default), 100 for (a) (`--only fan-out`). */
  roomSize?: number;
  rates: number[];
  rounds: number;
  stepMs: number;
  against?: string;
  bare: boolean;
  profileRate?: number;
}

/** Runs scenario (b) alone as `options` say and prints one line per step. */
export async function runSmallRooms(options: SmallRoomsOptions): Promise<void> {
  const roomSize = options.roomSize ?? 2;
  const key = roomSize === 2 ? "b" : "a";
  const workDir = await Deno.makeTempDir({ prefix: `chat-bench-${key}-` });
  const scenario: ScenarioConfig = {
    key,
    title: `(${key}) ${options.clients.toLocaleString("en")} clients, rooms of ${roomSize}`,
    layout: { prefix: `bench-${key}`, clients: options.clients, roomSize },
    steps: options.rates,
    stepMs: options.stepMs,
    warmupMs: 2_000,
    drainMs: 3_000,
    p99LimitMs: 100,
    retries: 1,
  };
  try {
    const users = await seedChat(`${workDir}/seed.kv`, options.clients, [scenario.layout]);
    const context: ScenarioContext = {
      seedKv: `${workDir}/seed.kv`,
      workDir,
      users,
      quietWaitMs: 5_000,
      // For `perf record` of our server: `BENCH_DENO_FLAGS=--v8-flags=--perf-basic-prof`.
      denoFlags: Deno.env.get("BENCH_DENO_FLAGS")?.split(" "),
    };
    if (options.profileRate !== undefined) {
      const saveTo = `${workDir}/server-b.cpuprofile`;
      const result = await runProfile(scenario, options.profileRate, 8_000, context, saveTo);
      console.log(profileText(result));
      const kept = new URL("./.cache/server-b-small-rooms.cpuprofile", import.meta.url).pathname;
      await Deno.mkdir(new URL("./.cache/", import.meta.url), { recursive: true });
      await Deno.copyFile(saveTo, kept);
      console.log(`profile kept in ${kept}`);
      return;
    }
    const ours = SERVERS.find((spec) => spec.name === "ours")!;
    const bare = SERVERS.find((spec) => spec.name === "deno")!;
    const versions = [
      { name: "this", spec: ours, serverDir: undefined as string | undefined },
      ...(options.against
        ? [{ name: options.against, spec: ours, serverDir: options.against }]
        : []),
      ...(options.bare ? [{ name: "bare Deno", spec: bare, serverDir: undefined }] : []),
    ];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? versions : [...versions].reverse();
      for (const version of order) {
        let result: LadderResult;
        try {
          result = await runLadder(
            version.spec,
            scenario,
            { ...context, serverDir: version.serverDir },
            scenario.steps,
            key === "b",
          );
        } catch (error) {
          console.log(`round ${round + 1}, ${version.name}: failed: ${error}`);
          continue;
        }
        for (const step of result.steps) {
          const sends = step.sent;
          const per = (seconds: number) => (seconds * 1e6 / Math.max(1, step.received)).toFixed(2);
          const threads = step.serverThreadSeconds;
          console.log(
            `round ${round + 1}, ${version.name}: offered ${step.offered}/s delivered ` +
              `${step.deliveredPerSecond.toFixed(0)}/s p50 ${step.latency.p50Ms.toFixed(1)} ms ` +
              `p99 ${step.latency.p99Ms.toFixed(1)} ms lost ${step.lost} server ` +
              `${(step.serverCpu * 100).toFixed(0)}% = ${
                (step.serverCpu * options.stepMs / 1000 / Math.max(1, sends) * 1e6).toFixed(0)
              } µs/send` +
              (threads
                ? `, ${per(threads.user + threads.system)} µs/delivery (JS ${per(threads.js)}, ` +
                  `SQLite ${per(threads.sqlite)}, other ${per(threads.helpers)}; user ` +
                  `${per(threads.user)}, kernel ${per(threads.system)}; gen waited ` +
                  `${(step.waited * 100).toFixed(0)}%)`
                : "") +
              `; ${step.pass ? "pass" : `end: ${step.reason}`}`,
          );
        }
      }
    }
  } finally {
    killChildren();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}
