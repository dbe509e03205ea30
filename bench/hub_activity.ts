/**
 * `deno run -A bench/hub_activity.ts`: what the conversation activity notice costs the hub, in
 * process: the process's CPU time (`process.cpuUsage()`) of `Hub.handle()` per `messages` event of one message, 1,000 one-socket users
 * in 500 rooms of two (scenario (b)'s shape), each socket subscribed to its room. Three kinds of
 * event, alternating, 7 rounds each, medians printed: without `activityFor` (a commit that did not
 * refresh the room's activity entries), with both members named (both follow the room: nothing
 * more is sent, the usual case), and with both named where one socket does not follow the room
 * (it gets the `activity` frame). No network, no store: the delivery's frame encoding and sends
 * to fake sockets are included, the commit is not.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { MessageStore } from "../lib/messages/message_store.ts";
import type { BrokerEvent } from "../lib/realtime/broker/broker.ts";
import { Hub, type Peer } from "../lib/realtime/hub.ts";

const ROOMS = 500;
const EVENTS = 100_000;
const ROUNDS = 7;

type Mode = "without" | "named, both follow" | "named, one does not follow";
const MODES: Mode[] = ["without", "named, both follow", "named, one does not follow"];

/** A store whose rooms are empty: the hub reads only their heads (0) when first subscribed. */
const emptyStore: MessageStore = {
  append: () => Promise.reject(new Error("not used")),
  after: () => Promise.resolve([]),
  before: () => Promise.resolve([]),
  head: () => Promise.resolve(0),
  heads: (rooms) => Promise.resolve(rooms.map(() => 0)),
  lastMessages: (rooms) => Promise.resolve(rooms.map(() => null)),
};

/** Microseconds of `handle()` per event, delivery included, for one mode. */
async function measure(mode: Mode): Promise<number> {
  const hub = new Hub(emptyStore);
  for (let r = 0; r < ROOMS; r++) {
    for (const side of ["a", "b"]) {
      const peer = peerOf(`user-${r}-${side}`);
      hub.addPeer(peer);
      if (mode !== "named, one does not follow" || side === "a") {
        await hub.subscribe(peer, `room-${r}`, undefined);
      }
    }
  }
  await hub.idle();
  // Built before the clock starts: only the hub's work is timed.
  const events: BrokerEvent[] = Array.from({ length: EVENTS }, (_, e) => {
    const r = e % ROOMS;
    const room = `room-${r}`;
    const messages = [messageOf(room, Math.floor(e / ROOMS) + 1, `user-${r}-a`)];
    return mode === "without"
      ? { kind: "messages", room, messages }
      : { kind: "messages", room, messages, activityFor: [`user-${r}-a`, `user-${r}-b`] };
  });
  // Process CPU time, not wall time: on a shared box the wall clock also counts the time this
  // process waited for a core.
  const start = cpuUsage();
  for (const event of events) hub.handle(event, true);
  await hub.idle();
  const used = cpuUsage(start);
  const micros = (used.user + used.system) / EVENTS;
  hub.close();
  return micros;
}

function messageOf(room: string, seq: number, from: string): ChatMessage {
  return {
    id: `m-${room}-${seq}`,
    room,
    seq,
    from,
    author: from,
    text: "a short message",
    at: 1_700_000_000_000 + seq,
  };
}

function peerOf(userId: string): Peer {
  return {
    userId,
    sessionId: `session-of-${userId}`,
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

const times = new Map<Mode, number[]>(MODES.map((mode) => [mode, []]));
await measure("without"); // warm-up: JIT and the first allocations
for (let round = 0; round < ROUNDS; round++) {
  // Each round in another order, so drift falls on every mode alike.
  const order = round % 2 === 0 ? MODES : MODES.toReversed();
  for (const mode of order) times.get(mode)!.push(await measure(mode));
}
const base = median(times.get("without")!);
for (const mode of MODES) {
  const value = median(times.get(mode)!);
  const each = times.get(mode)!.map((t) => t.toFixed(2)).join(", ");
  console.log(
    `${mode.padEnd(28)} ${value.toFixed(2)} µs/event (${(value / base).toFixed(2)}×; ${each})`,
  );
}
