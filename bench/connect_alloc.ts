/**
 * `deno run -A bench/connect_alloc.ts [--against DIR] [--rounds 2] [--top 25]`: what a connect
 * allocates. One connect storm (d) per server and round (ours, the built checkout in DIR, bare
 * Deno; the order A B C, C B A, …), each server started under the inspector with V8's sampling
 * heap profiler running (every 1,024 bytes, objects that minor and major GCs collected
 * included). Prints KiB allocated per connection, the figure behind young-generation growth and
 * GC work in a burst (BENCHMARKS.md, "Connect storm and idle memory, round six"), and in the
 * first round the functions that allocated most. About 3 KiB of every server's figure is the
 * inspector's own (`DOMException`, `installServerInspector`); the server CPU it prints is
 * inflated by the inspector too: take CPU from `deno task bench --only storm`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { benchConfig } from "./config.ts";
import { runGenerator } from "./generator.ts";
import { freePort, killChildren } from "./process.ts";
import { Inspector } from "./profile.ts";
import { clientsOf, type StormResult } from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { SERVERS, startServer } from "./servers.ts";

/** A node of a sampling heap profile (`HeapProfiler.stopSampling`). */
interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    against: { type: "string" },
    rounds: { type: "string", default: "2" },
    top: { type: "string", default: "25" },
  },
});
const config = benchConfig(false);
const layout = config.storm.layout;
const workDir = await Deno.makeTempDir({ prefix: "chat-bench-alloc-" });
const ours = SERVERS.find((spec) => spec.name === "ours")!;
const bare = SERVERS.find((spec) => spec.name === "deno")!;
const versions = [
  { name: "ours (this)", spec: ours, serverDir: undefined as string | undefined },
  ...(values.against ? [{ name: "ours (against)", spec: ours, serverDir: values.against }] : []),
  { name: "bare Deno", spec: bare, serverDir: undefined },
];
try {
  const users = await seedChat(`${workDir}/seed.kv`, layout.clients, [layout]);
  const context = { seedKv: `${workDir}/seed.kv`, workDir, users, quietWaitMs: 3_000 };
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? versions : [...versions].reverse();
    for (const version of order) {
      const port = freePort();
      const server = await startServer(version.spec, {
        ...context,
        serverDir: version.serverDir,
        denoFlags: [`--inspect=127.0.0.1:${port}`],
      });
      try {
        const inspector = await Inspector.open(port);
        await inspector.call("HeapProfiler.enable");
        await inspector.call("HeapProfiler.startSampling", {
          samplingInterval: 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        const result = await runGenerator<StormResult>({
          mode: "storm",
          kind: version.spec.client,
          urls: server.urls,
          clients: clientsOf(layout, users),
          connectWindow: config.storm.window,
          serverPids: server.pids,
        }, { pinned: version.spec.pinned, workDir });
        const { profile } = await inspector.call("HeapProfiler.stopSampling") as {
          profile: { head: SampledNode };
        };
        inspector.close();
        const byFunction = new Map<string, number>();
        let total = 0;
        const walk = (node: SampledNode): void => {
          total += node.selfSize;
          const { functionName, url, lineNumber } = node.callFrame;
          const where = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${
            lineNumber + 1
          }`;
          byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
          for (const child of node.children) walk(child);
        };
        walk(profile.head);
        console.log(
          `round ${round + 1}, ${version.name}: ${
            (total / result.connections / 1024).toFixed(1)
          } KiB allocated per connect (${result.connections} connections, ${result.failed} failed)`,
        );
        if (round > 0) continue;
        const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
        for (const [where, bytes] of top) {
          console.log(`  ${(bytes / result.connections).toFixed(0).padStart(6)} B  ${where}`);
        }
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  killChildren();
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
}
