/**
 * `deno run -A bench/hub_events.ts [--against DIR]`: the hub alone, in process: CPU time of
 * `Hub.handle()` for a `user_event` naming 5 users, with 1,000, 8,000 and 15,000 peers of one
 * socket each. With `--against DIR` the hub of another checkout runs beside this one,
 * alternating, 5 times each; medians and their ratio are printed. No network, no store: what
 * scenario (u) measures end to end, without the HTTP request and the KV write around it.
 *
 * @module
 */
import type { Hub as HubClass, Peer } from "../lib/realtime/hub.ts";

type HubModule = { Hub: typeof HubClass };
const EVENTS = 5_000;
const ROUNDS = 5;

const at = Deno.args.indexOf("--against");
const against = at < 0 ? undefined : Deno.args[at + 1];
const versions: [string, HubModule][] = [["this", await import("../lib/realtime/hub.ts")]];
if (against) {
  const url = new URL("lib/realtime/hub.ts", `file://${Deno.realPathSync(against)}/`);
  versions.push([against, await import(url.href)]);
}

/** Microseconds of `handle()` per user event, on a hub holding `peers` one-socket users. */
function measure(module: HubModule, peers: number): number {
  const hub = new module.Hub({} as never);
  for (let i = 0; i < peers; i++) hub.addPeer(peerOf(`user-${i}`, `session-${i}`));
  const start = performance.now();
  for (let e = 0; e < EVENTS; e++) {
    const first = (e * 5) % peers;
    hub.handle({
      kind: "user_event",
      users: [0, 1, 2, 3, 4].map((k) => `user-${first + k}`),
      event: { kind: "presence", user: "someone", online: true },
    }, true);
  }
  return ((performance.now() - start) * 1000) / EVENTS;
}

function peerOf(userId: string, sessionId: string): Peer {
  return {
    userId,
    sessionId,
    sessionExpiresAt: 0,
    lastSeenAt: 0,
    send() {},
    whenWritable: () => undefined,
    close() {},
    roomRevoked() {},
    rightsChanged() {},
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

for (const peers of [1_000, 8_000, 15_000]) {
  const times = versions.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    versions.forEach(([, module], v) => times[v]!.push(measure(module, peers)));
  }
  const medians = times.map(median);
  const text = versions.map(([name], v) => `${name} ${medians[v]!.toFixed(1)} µs/event`);
  const ratio = medians.length > 1 ? `, ratio ${(medians[0]! / medians[1]!).toFixed(3)}` : "";
  console.log(`${peers.toLocaleString("en")} peers: ${text.join(", ")}${ratio}`);
}
