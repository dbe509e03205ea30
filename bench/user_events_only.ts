/**
 * `deno task bench --only user-events`: scenario (u) alone on our server (one worker, pinned),
 * `rounds` times. With `--against DIR` the server of another checkout (`deno task build` run
 * there) is measured in the same run, alternating with this one in the order A B B A A B …, so
 * drift of the shared machine falls on both alike; the medians and their ratio are printed and
 * written to `bench/results/user-events/results.md` (`quick/user-events/` for `--quick`) with
 * every run in `results.json`.
 *
 * @module
 */
import type { BenchConfig } from "./config.ts";
import { loadAverage, machineInfo } from "./machine.ts";
import { killChildren } from "./process.ts";
import { runUserEvents, type ScenarioContext, type UserEventsResult } from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { SERVERS } from "./servers.ts";
import type { Outcome } from "./report/results.ts";
import { median } from "./median.ts";

/** One run of scenario (u) in a comparison. */
interface Measured {
  version: "this" | "against";
  result: Outcome<UserEventsResult>;
}

/** Runs scenario (u) alone, and against another checkout when `against` is given. */
export async function runUserEventsOnly(
  config: BenchConfig,
  options: { against?: string; rounds: number; quick: boolean },
): Promise<void> {
  const benchDir = new URL("./", import.meta.url).pathname;
  const outDir = `${benchDir}results/${options.quick ? "quick/" : ""}user-events/`;
  const machine = await machineInfo();
  const { layout } = config.userEvents;
  console.log(
    `user events (${config.mode}) of ${machine.commit}${
      options.against ? ` against ${options.against}` : ""
    }: ${layout.clients} clients in rooms of ${layout.roomSize}, ${config.userEvents.rate} ` +
      `changes/s; load ${machine.loadStart}`,
  );
  const workDir = await Deno.makeTempDir({ prefix: "chat-bench-u-" });
  const ours = SERVERS.find((spec) => spec.name === "ours")!;
  const runs: Measured[] = [];
  try {
    const users = await seedChat(`${workDir}/seed.kv`, layout.clients, [layout]);
    const context: ScenarioContext = {
      seedKv: `${workDir}/seed.kv`,
      workDir,
      users,
      quietWaitMs: options.quick ? 3_000 : 15_000,
    };
    const order: Measured["version"][] = options.against ? ["against", "this"] : ["this"];
    for (let round = 0; round < options.rounds; round++) {
      // A B, then B A: each version runs first as often as second.
      const versions = round % 2 === 0 ? order : [...order].reverse();
      for (const version of versions) {
        const serverDir = version === "against" ? options.against : undefined;
        let result: Outcome<UserEventsResult>;
        try {
          result = await runUserEvents(ours, config.userEvents, { ...context, serverDir });
        } catch (error) {
          result = { error: String(error instanceof Error ? error.message : error) };
        }
        runs.push({ version, result });
        console.log(`  round ${round + 1}, ${version}: ${line(result)}`);
      }
    }
  } finally {
    killChildren();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
  machine.loadEnd = await loadAverage();
  const report = reportOf(runs, options.against);
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(
    `${outDir}results.json`,
    JSON.stringify(
      { machine, config: config.userEvents, against: options.against, runs },
      null,
      1,
    ) +
      "\n",
  );
  await Deno.writeTextFile(`${outDir}results.md`, report + "\n");
  console.log(`\n${report}\n\nwrote ${outDir}results.json, results.md`);
}

function line(result: Outcome<UserEventsResult>): string {
  if ("error" in result) return `error: ${result.error}`;
  return `${result.netServerMicrosPerEvent.toFixed(0)} µs/event net ` +
    `(${result.serverMicrosPerEvent.toFixed(0)} gross, idle ${
      (result.idleServerCpu * 100).toFixed(1)
    }% CPU), p50 ${result.latency.p50Ms.toFixed(1)} ms, p99 ${
      result.latency.p99Ms.toFixed(1)
    } ms, ` +
    `missing ${result.missing}, refused ${result.failedRequests}, failed ${result.failed}, ` +
    `others ${(result.backgroundCpu * 100).toFixed(0)}% CPU`;
}

/** Every run, then per version the medians, and their ratio when two versions ran. */
function reportOf(runs: Measured[], against: string | undefined): string {
  const rows = runs.map(({ version, result }, i) => `| ${i + 1} | ${version} | ${line(result)} |`);
  const medians = (version: Measured["version"]) => {
    const done = runs.flatMap((run) =>
      run.version === version && !("error" in run.result) && run.result.failed === 0
        ? [run.result]
        : []
    );
    return {
      runs: done.length,
      net: median(done.map((r) => r.netServerMicrosPerEvent)),
      gross: median(done.map((r) => r.serverMicrosPerEvent)),
      p50: median(done.map((r) => r.latency.p50Ms)),
      p99: median(done.map((r) => r.latency.p99Ms)),
    };
  };
  const mine = medians("this");
  const text = (m: typeof mine) =>
    `${m.net.toFixed(0)} µs/event net, ${m.gross.toFixed(0)} gross, p50 ${m.p50.toFixed(1)} ms, ` +
    `p99 ${m.p99.toFixed(1)} ms (median of ${m.runs})`;
  const summary = [`this checkout: ${text(mine)}`];
  if (against) {
    const other = medians("against");
    summary.push(`${against}: ${text(other)}`);
    summary.push(
      `ratio this / against: net CPU ${(mine.net / other.net).toFixed(2)}, gross ` +
        `${(mine.gross / other.gross).toFixed(2)}, p50 ${(mine.p50 / other.p50).toFixed(2)}, p99 ` +
        `${(mine.p99 / other.p99).toFixed(2)}`,
    );
  }
  return ["| run | version | figures |", "|---|---|---|", ...rows, "", ...summary].join("\n");
}
