/**
 * `deno task bench --only small-rooms`: scenario (b), rooms of two, alone, on our single worker
 * (and bare Deno with `--bare`). With `--against DIR` the server of another checkout
 * (`deno task build` run there) runs in the same session, alternating with this one (A B, then
 * B A), so the drift of a shared machine falls on both alike. Prints, per step, the deliveries
 * per second, p99, losses and the server's CPU per durable send.
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
  rates: number[];
  rounds: number;
  stepMs: number;
  /** Clients per room; 2 unless `--room-size` says (100: the fan-out of scenario (a)). */
  roomSize: number;
  against?: string;
  bare: boolean;
  profileRate?: number;
}

/** Runs scenario (b) alone as `options` say and prints one line per step. */
export async function runSmallRooms(options: SmallRoomsOptions): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "chat-bench-b-" });
  const scenario: ScenarioConfig = {
    key: "b",
    title: `(b) ${options.clients.toLocaleString("en")} clients, rooms of ${options.roomSize}`,
    layout: { prefix: "bench-b", clients: options.clients, roomSize: options.roomSize },
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
          result = await runLadder(version.spec, scenario, {
            ...context,
            serverDir: version.serverDir,
          });
        } catch (error) {
          console.log(`round ${round + 1}, ${version.name}: failed: ${error}`);
          continue;
        }
        for (const step of result.steps) {
          const sends = step.sent;
          console.log(
            `round ${round + 1}, ${version.name}: offered ${step.offered}/s delivered ` +
              `${step.deliveredPerSecond.toFixed(0)}/s p50 ${step.latency.p50Ms.toFixed(1)} ms ` +
              `p99 ${step.latency.p99Ms.toFixed(1)} ms lost ${step.lost} server ` +
              `${(step.serverCpu * 100).toFixed(0)}% = ${
                (step.serverCpu * options.stepMs / 1000 / Math.max(1, sends) * 1e6).toFixed(0)
              } µs/send; ${step.pass ? "pass" : `end: ${step.reason}`}`,
          );
        }
      }
    }
  } finally {
    killChildren();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}
