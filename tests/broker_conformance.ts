/**
 * The contract every {@linkcode Broker} must keep, as a suite of `Deno.test` cases that each
 * implementation's test file registers with a factory of two brokers on one medium (two nodes).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Broker, BrokerEvent } from "../lib/realtime/broker/broker.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";

/** Two brokers joined by one medium, as two nodes of one chat, and how to release them. */
export interface BrokerPair {
  a: Broker;
  b: Broker;
  close(): Promise<void>;
}

/**
 * Registers the broker conformance cases, named `"<name>: <behaviour>"`.
 *
 * `makePair` must return two fresh brokers that share a medium no other pair uses; every case
 * closes what it opened.
 */
export function brokerConformance(name: string, makePair: () => Promise<BrokerPair>): void {
  const test = (behaviour: string, fn: (pair: BrokerPair) => Promise<void>) => {
    Deno.test(`${name}: ${behaviour}`, async () => {
      const pair = await makePair();
      try {
        await fn(pair);
      } finally {
        await pair.close();
      }
    });
  };

  test("publish() reaches the handlers of the publishing node and of the other node", async ({ a, b }) => {
    const onA = record(a);
    const onB = record(b);
    const fromA = messagesEvent("room", [message("room", 1, "from a")]);
    const fromB = messagesEvent("room", [message("room", 2, "from b")]);
    a.publish(fromA);
    b.publish(fromB);
    await waitFor(() => onA.events.length === 2 && onB.events.length === 2);
    assert.deepEqual(sortBySeq(onA.events), [fromA, fromB]);
    assert.deepEqual(sortBySeq(onB.events), [fromA, fromB]);
  });

  test("publish() tells handlers whether the event came from their own node", async ({ a, b }) => {
    const seen: [string, boolean][] = [];
    a.subscribe((event, fromThisNode) => seen.push([`a got ${event.kind}`, fromThisNode]));
    b.subscribe((event, fromThisNode) => seen.push([`b got ${event.kind}`, fromThisNode]));
    a.publish({ kind: "left", room: "room", user: "u1" });
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen.sort(), [["a got left", true], ["b got left", false]]);
  });

  test("publish() delivers to every handler of a node", async ({ a, b }) => {
    const first = record(b);
    const second = record(b);
    const event: BrokerEvent = { kind: "left", room: "room", user: "u1" };
    a.publish(event);
    await waitFor(() => first.events.length === 1 && second.events.length === 1);
    assert.deepEqual(first.events, [event]);
    assert.deepEqual(second.events, [event]);
  });

  test("events from one publisher arrive in publish order", async ({ a, b }) => {
    const onA = record(a);
    const onB = record(b);
    const sent = Array.from(
      { length: 100 },
      (_, i) => messagesEvent("room", [message("room", i + 1)]),
    );
    for (const event of sent) a.publish(event);
    await waitFor(() => onA.events.length === 100 && onB.events.length === 100);
    assert.deepEqual(seqs(onA.events), seqs(sent));
    assert.deepEqual(seqs(onB.events), seqs(sent));
  });

  test("connected() is true while open and false once closed, for /healthz", async ({ a, b }) => {
    assert.equal(a.connected(), true);
    assert.equal(b.connected(), true);
    await a.close();
    assert.equal(a.connected(), false);
    assert.equal(b.connected(), true, "closing one node leaves the other connected");
  });

  test("an unsubscribed handler receives nothing more", async ({ a, b }) => {
    const removedOnB = record(b);
    const keptOnB = record(b);
    const removedOnA = record(a);
    const keptOnA = record(a);
    a.publish(messagesEvent("room", [message("room", 1)]));
    await waitFor(() => keptOnB.events.length === 1 && keptOnA.events.length === 1);
    removedOnB.unsubscribe();
    removedOnA.unsubscribe();
    a.publish(messagesEvent("room", [message("room", 2)]));
    // The handlers of one node see each event together, so once the kept ones have seq 2,
    // the removed ones would have had it too.
    await waitFor(() => keptOnB.events.length === 2 && keptOnA.events.length === 2);
    assert.deepEqual(seqs(removedOnB.events), [1]);
    assert.deepEqual(seqs(removedOnA.events), [1]);
  });

  test("a closed broker's handlers receive nothing more", async ({ a, b }) => {
    const onA = record(a);
    const onB = record(b);
    a.publish(messagesEvent("room", [message("room", 1)]));
    await waitFor(() => onA.events.length === 1 && onB.events.length === 1);
    await b.close();
    a.publish(messagesEvent("room", [message("room", 2)]));
    await waitFor(() => onA.events.length === 2);
    // Nothing can be awaited on the closed node, so give a stray delivery time to show up.
    await delay(50);
    assert.deepEqual(seqs(onB.events), [1]);
  });

  test("payloads of every event kind arrive intact, unicode included", async ({ a, b }) => {
    const onA = record(a);
    const onB = record(b);
    const texts = [
      "plain",
      "emoji 😀👩🏽‍💻🇫🇷",
      "עברית and العربية",
      "zero\u200bwidth and\u0000nul",
      "\ud800 lone surrogate",
      "語".repeat(4000),
    ];
    const sent: BrokerEvent[] = [
      messagesEvent("room-ü", texts.map((text, i) => message("room-ü", i + 1, text))),
      { kind: "left", room: "room-2", user: "user-ß" },
      { kind: "session_ended", session: "f00d".repeat(16) },
    ];
    for (const event of sent) a.publish(event);
    await waitFor(() => onA.events.length === 3 && onB.events.length === 3);
    assert.deepEqual(onA.events, sent);
    assert.deepEqual(onB.events, sent);
  });
}

/** Subscribes a handler to `broker` that records what it receives. */
function record(broker: Broker): { events: BrokerEvent[]; unsubscribe: () => void } {
  const events: BrokerEvent[] = [];
  const unsubscribe = broker.subscribe((event) => events.push(event));
  return { events, unsubscribe };
}

function message(room: string, seq: number, text = `message ${seq}`): ChatMessage {
  return {
    room,
    seq,
    id: `id-${room}-${seq}`,
    from: "u1",
    author: "alice",
    text,
    at: 1_700_000_000_000 + seq,
  };
}

function messagesEvent(room: string, messages: ChatMessage[]): BrokerEvent {
  return { kind: "messages", room, messages };
}

function seqs(events: readonly BrokerEvent[]): number[] {
  return events.flatMap((event) =>
    event.kind === "messages" ? event.messages.map((m) => m.seq) : []
  );
}

function sortBySeq(events: readonly BrokerEvent[]): BrokerEvent[] {
  return [...events].sort((x, y) => seqs([x])[0]! - seqs([y])[0]!);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(2);
  }
}
