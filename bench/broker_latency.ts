/**
 * `deno run -A bench/broker_latency.ts`: publish → deliver latency of the brokers that need no
 * server, side by side: BroadcastChannel, and the KV broker on a local KV file in `watch` and
 * in `poll` mode (50 ms, the `BROKER_POLL_MS` default). Two brokers per run, in this process,
 * each KV one on its own handle of one file (as two workers have); one publishes `messages`
 * events at 20 per second, then at 200 per second, then a burst of 1,000 at once, and the other
 * records when each arrives. Prints the percentiles of both, and how many never arrived.
 *
 * In one process both ends share one event loop, so this measures the medium and the broker's
 * own work, not the scheduling of two workers; on Deno Deploy a KV commit and its watch
 * notification cross the network to KV's primary region, which this cannot show.
 *
 * @module
 */
import type { Broker, BrokerEvent } from "../lib/realtime/broker/broker.ts";
import { BroadcastChannelBroker } from "../lib/realtime/broker/broker_broadcast_channel.ts";
import { KvBroker } from "../lib/realtime/broker/broker_kv.ts";

/** Events, and milliseconds between them, of the paced runs. */
const PACED: [count: number, paceMs: number][] = [[100, 50], [400, 5]];
const BURST = 1_000;

interface Pair {
  a: Broker;
  b: Broker;
  close(): Promise<void>;
}

async function kvPair(mode: "watch" | "poll", dir: string): Promise<Pair> {
  const path = `${dir}/${mode}.kv`;
  const kvA = await Deno.openKv(path);
  const kvB = await Deno.openKv(path);
  const a = await KvBroker.open(kvA);
  const b = await KvBroker.open(kvB, { mode, pollMs: 50 });
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      kvA.close();
      kvB.close();
    },
  };
}

function channelPair(): Pair {
  const name = `bench-${crypto.randomUUID()}`;
  const a = new BroadcastChannelBroker(name);
  const b = new BroadcastChannelBroker(name);
  return { a, b, close: async () => (await a.close(), await b.close()) };
}

/** Publishes `count` events on `a`, `paceMs` apart (0: at once); latencies seen on `b`. */
async function measure(pair: Pair, count: number, paceMs: number) {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let done = () => {};
  const finished = new Promise<void>((resolve) => done = resolve);
  const unsubscribe = pair.b.subscribe((event) => {
    if (event.kind !== "messages") return;
    for (const message of event.messages) {
      latencies.push(performance.now() - sentAt.get(message.seq)!);
    }
    if (latencies.length === count) done();
  });
  for (let seq = 1; seq <= count; seq++) {
    sentAt.set(seq, performance.now());
    pair.a.publish(event(seq));
    if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([finished, new Promise((resolve) => timer = setTimeout(resolve, 5_000))]);
  clearTimeout(timer);
  unsubscribe();
  return summary(latencies, count);
}

function event(seq: number): BrokerEvent {
  const message = { room: "r", seq, id: `m${seq}`, from: "u", author: "alice", text: "hi", at: 0 };
  return { kind: "messages", room: "r", messages: [message] };
}

function summary(latencies: number[], expected: number) {
  const sorted = [...latencies].sort((x, y) => x - y);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const ms = (value: number) => value.toFixed(1);
  return `p50 ${ms(at(0.5))}  p90 ${ms(at(0.9))}  p99 ${ms(at(0.99))}  max ${
    ms(sorted.at(-1) ?? NaN)
  } ms  lost ${expected - latencies.length}`;
}

const dir = await Deno.makeTempDir({ prefix: "broker-bench-" });
try {
  const runs: [string, () => Pair | Promise<Pair>][] = [
    ["BroadcastChannel", channelPair],
    ["KV watch (local file)", () => kvPair("watch", dir)],
    ["KV poll 50 ms (local file)", () => kvPair("poll", dir)],
  ];
  for (const [name, open] of runs) {
    const pair = await open();
    try {
      console.log(`${name}`);
      for (const [count, paceMs] of PACED) {
        const rate = `${1000 / paceMs}/s`.padEnd(6);
        console.log(`  ${count} at ${rate}  ${await measure(pair, count, paceMs)}`);
      }
      console.log(`  burst of ${BURST}  ${await measure(pair, BURST, 0)}`);
    } finally {
      await pair.close();
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
