/**
 * `deno run -A bench/read_state.ts [--against DIR]`: what read state adds to the live path, in
 * one process on an in-memory KV, no network.
 *
 * - Message delivery: `Hub.handle` of a `messages` event to 1,000 live subscribers (the path
 *   read state leaves untouched: unread counts are derived, not written per delivery).
 * - Typing fan-out: `Hub.handle` of a `typing` event to 1,000 subscribers, each asked whether it
 *   takes notices from the typist (blocks), with a `hidden` list of 20.
 * - A `read`: `ReadMarkers.advance` plus `ReadReceipts.authorsToTell` (one KV check-and-set,
 *   one range read of the passed messages, one settings read), as a `read` frame costs.
 *
 * With `--against DIR` (a checkout of another commit, e.g. a `git worktree` of the previous
 * one), the two hub figures are taken there too, alternating, for a side-by-side table.
 *
 * @module
 */
import type { Hub as HubType, Peer } from "../lib/realtime/hub.ts";
import type { BrokerEvent } from "../lib/realtime/broker/broker.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";

const PEERS = 1000;
const EVENTS = 2000;
const ROUNDS = 5;

/** A subscriber that counts what it is sent. */
function fakePeer(
  i: number,
  blocked: ReadonlySet<string>,
): Peer & { got: number; acceptsTypingFrom(user: string): boolean } {
  return {
    userId: `user${i}`,
    sessionId: `session${i}`,
    sessionExpiresAt: Infinity,
    lastSeenAt: 0,
    got: 0,
    send() {
      this.got++;
    },
    whenWritable: () => undefined,
    close() {},
    roomRevoked() {},
    rightsChanged() {},
    sendTyping(from: string, _frame: string) {
      if (!blocked.has(from)) this.got++;
    },
    // The same filter as a hub before `sendTyping` asks it (`--against` an older checkout).
    acceptsTypingFrom: (user: string) => !blocked.has(user),
  };
}

/** Nanoseconds per delivery of `events` through a hub of `dir` with 1,000 subscribers. */
async function hubFigures(dir: string): Promise<{ message: number; typing: number }> {
  const { Hub } = await import(`${dir}/lib/realtime/hub.ts`) as { Hub: typeof HubType };
  const messages: ChatMessage[] = [];
  const store = {
    head: () => Promise.resolve(0),
    heads: () => Promise.resolve([]),
    after: () => Promise.resolve([]),
    before: () => Promise.resolve([]),
    lastMessages: () => Promise.resolve([]),
    append: () => Promise.resolve([]),
  };
  const hub = new Hub(store);
  const blocked = new Set(Array.from({ length: 20 }, (_, i) => `stranger${i}`));
  const peers = Array.from({ length: PEERS }, (_, i) => fakePeer(i, blocked));
  for (const peer of peers) {
    hub.addPeer(peer);
    await hub.subscribe(peer, "r1", undefined);
  }
  await hub.idle();
  let seq = 0;
  const message = (): BrokerEvent => {
    const m: ChatMessage = {
      room: "r1",
      seq: ++seq,
      id: `m${seq}`,
      from: "user1",
      author: "user1",
      text: "hello there, this is a message of an ordinary length",
      at: 1,
    };
    messages.push(m);
    return { kind: "messages", room: "r1", messages: [m] };
  };
  let start = performance.now();
  for (let i = 0; i < EVENTS; i++) hub.handle(message(), true);
  await hub.idle();
  const messageNs = (performance.now() - start) * 1e6 / (EVENTS * PEERS);
  const typing = {
    kind: "typing",
    room: "r1",
    user: "user7",
    name: "user7",
    hidden: [...blocked],
  } as BrokerEvent;
  start = performance.now();
  for (let i = 0; i < EVENTS; i++) hub.handle(typing, true);
  const typingNs = (performance.now() - start) * 1e6 / (EVENTS * PEERS);
  hub.close();
  return { message: messageNs, typing: typingNs };
}

/** Milliseconds per `read` (advance + authors to tell) on an in-memory KV. */
async function readFigure(): Promise<number> {
  const { KvMessageStore } = await import("../lib/messages/message_store_kv.ts");
  const { ReadMarkers } = await import("../lib/reads/read_markers.ts");
  const { ReadReceipts } = await import("../lib/reads/read_receipts.ts");
  const { systemClock } = await import("../lib/common/clock.ts");
  const kv = await Deno.openKv(":memory:");
  const store = new KvMessageStore(kv, systemClock);
  const drafts = Array.from({ length: 2000 }, (_, i) => ({
    room: "r1",
    from: `author${i % 5}`,
    author: `author${i % 5}`,
    clientId: `client-${i}`,
    text: `message ${i}`,
  }));
  for (let i = 0; i < drafts.length; i += 100) await store.append(drafts.slice(i, i + 100));
  const markers = new ReadMarkers(kv);
  const receipts = new ReadReceipts(kv, store);
  const reads = 1000;
  const start = performance.now();
  // Each read passes two new messages, as a reader keeping up with a busy room does.
  for (let i = 1; i <= reads; i++) {
    const move = await markers.advance("reader", "r1", i * 2);
    if (move) await receipts.authorsToTell("r1", "reader", move);
  }
  const ms = (performance.now() - start) / reads;
  kv.close();
  return ms;
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const againstAt = Deno.args.indexOf("--against");
const against = againstAt >= 0 ? Deno.args[againstAt + 1] : undefined;
const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const rows: { where: string; message: number[]; typing: number[] }[] = [
  { where: "this commit", message: [], typing: [] },
  ...(against ? [{ where: against, message: [], typing: [] }] : []),
];
for (let round = 0; round < ROUNDS; round++) {
  for (const row of rows) {
    const figures = await hubFigures(row.where === "this commit" ? here : row.where);
    row.message.push(figures.message);
    row.typing.push(figures.typing);
  }
}
console.log(`median of ${ROUNDS} rounds, ${PEERS} subscribers, ${EVENTS} events each`);
console.log("| checkout | message, ns/delivery | typing, ns/delivery |");
console.log("| --- | --- | --- |");
for (const row of rows) {
  console.log(
    `| ${row.where} | ${median(row.message).toFixed(1)} | ${median(row.typing).toFixed(1)} |`,
  );
}
const readMs = [];
for (let round = 0; round < 3; round++) readMs.push(await readFigure());
console.log(`read frame (advance + authors to tell): ${median(readMs).toFixed(3)} ms each`);
