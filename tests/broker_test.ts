import { BroadcastChannelBroker } from "../lib/realtime/broker/broker_broadcast_channel.ts";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import assert from "node:assert/strict";
import type { BrokerEvent } from "../lib/realtime/broker/broker.ts";
import { brokerConformance, waitFor } from "./broker_conformance.ts";

brokerConformance("MemoryBus brokers", () => {
  const bus = new MemoryBus();
  const a = bus.broker();
  const b = bus.broker();
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  });
});

brokerConformance("BroadcastChannelBroker", () => {
  // A channel name of its own, so concurrent or leftover pairs never hear each other.
  const name = `broker-test-${crypto.randomUUID()}`;
  const a = new BroadcastChannelBroker(name);
  const b = new BroadcastChannelBroker(name);
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  });
});

/** Everything posted on channel `name` from now on, in arrival order. */
function spyOn(name: string): { seen: unknown[]; close: () => void } {
  const channel = new BroadcastChannel(name);
  const seen: unknown[] = [];
  channel.onmessage = (message) => seen.push(message.data);
  return { seen, close: () => channel.close() };
}

const event = (room: string): BrokerEvent => ({ kind: "left", room, user: "u1" });
const isEvent = (data: unknown) => typeof data === "object" && data !== null && "kind" in data;

Deno.test("BroadcastChannelBroker posts no event while no other broker listens, and posts again once one says hello", async () => {
  const name = `broker-test-${crypto.randomUUID()}`;
  const spy = spyOn(name);
  const alone = new BroadcastChannelBroker(name, { aloneAfterMs: 0 });
  const onAlone = recordEvents(alone);
  assert.equal(alone.alone(), true);
  alone.publish(event("before"));
  const later = new BroadcastChannelBroker(name, { aloneAfterMs: 0 });
  const onLater = recordEvents(later);
  try {
    // The lone broker's answer to the newcomer's hello comes after anything it posted before.
    await waitFor(() => spy.seen.some((data) => (data as { broker?: string }).broker === "here"));
    assert.deepEqual(spy.seen.filter(isEvent), []);
    assert.deepEqual(onAlone, [event("before")]);
    assert.equal(alone.alone(), false, "it heard the newcomer");
    alone.publish(event("after"));
    await waitFor(() => onLater.length === 1);
    assert.deepEqual(onLater, [event("after")]);
  } finally {
    spy.close();
    await alone.close();
    await later.close();
  }
});

Deno.test("BroadcastChannelBroker.alone() is false while a sibling's hello may still be on its way", async () => {
  const broker = new BroadcastChannelBroker(`broker-test-${crypto.randomUUID()}`, {
    aloneAfterMs: 60_000,
  });
  try {
    assert.equal(broker.alone(), false);
  } finally {
    await broker.close();
  }
});

function recordEvents(broker: BroadcastChannelBroker): BrokerEvent[] {
  const events: BrokerEvent[] = [];
  broker.subscribe((received) => events.push(received));
  return events;
}
