/**
 * `deno run -A bench/broker_publish.ts [--against DIR]`: the process CPU one
 * `BroadcastChannelBroker.publish()` of a `messages` event (one message of scenario (b)'s size)
 * costs a worker with no other worker listening, as `deno serve` without `--parallel` runs.
 * With `--against DIR` the broker of another checkout is measured too, alternating round by
 * round; the figure includes the local delivery to one (empty) handler.
 *
 * @module
 */
import type { Broker } from "../lib/realtime/broker/broker.ts";
import { median } from "./median.ts";

const PUBLISHES = 100_000;
const ROUNDS = 3;

type BrokerClass = new (name: string) => Broker;

const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const againstAt = Deno.args.indexOf("--against");
const dirs = [here, ...(againstAt >= 0 ? [Deno.args[againstAt + 1]!.replace(/\/$/, "")] : [])];
const classes: BrokerClass[] = [];
for (const dir of dirs) {
  const module = await import(`${dir}/lib/realtime/broker/broker_broadcast_channel.ts`);
  classes.push(module.BroadcastChannelBroker);
}
const message = {
  room: "bench-b-1",
  seq: 1,
  id: "0123456789abcdefghijkl",
  from: "user-1",
  author: "user1",
  text: `1 123 5 12345.678 ${"x".repeat(48)}`,
  at: Date.now(),
};
const figures = dirs.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? [...dirs.keys()] : [...dirs.keys()].reverse();
  for (const v of order) {
    const broker = new classes[v]!(`publish-bench-${crypto.randomUUID()}`);
    broker.subscribe(() => {});
    // Past the time a new broker posts regardless of listeners (ALONE_AFTER_MS).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = processSeconds();
    for (let n = 0; n < PUBLISHES; n++) {
      broker.publish({
        kind: "messages",
        room: message.room,
        messages: [{ ...message, seq: n }],
        sentAt: Date.now(),
      });
      // Let the local deliveries (microtasks) and the channel's sends run as a server would.
      if (n % 1_000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    figures[v]!.push((processSeconds() - before) / PUBLISHES * 1e6);
    console.log(`round ${round + 1}, ${dirs[v]}: ${figures[v]!.at(-1)!.toFixed(2)} µs per publish`);
    await broker.close();
    // Deno 2.9 breaks a channel opened in the turn the process's last channel closed.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
dirs.forEach((dir, v) => console.log(`median, ${dir}: ${median(figures[v]!).toFixed(2)} µs`));

/** User and system CPU seconds of this process. */
function processSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
