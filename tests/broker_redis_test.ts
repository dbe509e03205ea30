import assert from "node:assert/strict";
import { createClient } from "@redis/client";
import type { BrokerEvent } from "../lib/realtime/broker/broker.ts";
import { RedisBroker } from "../lib/realtime/broker/broker_redis.ts";
import { brokerConformance } from "./broker_conformance.ts";
import { startRedisServer } from "./helpers/redis_server.ts";
import { freePort } from "./helpers/test_server.ts";

// One server for the file, killed when the module unloads; each pair has its own channel.
const redis = await startRedisServer();

brokerConformance("RedisBroker", async () => {
  const channel = `broker-test-${crypto.randomUUID()}`;
  const a = await RedisBroker.connect(redis.url, channel);
  const b = await RedisBroker.connect(redis.url, channel);
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  };
});

Deno.test("RedisBroker.connect() rejects, naming the URL without its password, when Redis is unreachable", async () => {
  const url = `redis://:secret@127.0.0.1:${freePort()}`;
  await assert.rejects(
    RedisBroker.connect(url),
    (error: Error) => error.message.includes("127.0.0.1") && !error.message.includes("secret"),
  );
});

Deno.test("RedisBroker ignores messages on its channel that no broker published", async () => {
  const channel = `broker-test-${crypto.randomUUID()}`;
  const a = await RedisBroker.connect(redis.url, channel);
  const b = await RedisBroker.connect(redis.url, channel);
  const stranger = createClient({ url: redis.url });
  await stranger.connect();
  try {
    const received: BrokerEvent[] = [];
    b.subscribe((event) => received.push(event));
    for (const junk of ["not json", "null", '{"node":"x"}', '{"node":"x","event":{"kind":"?"}}']) {
      await stranger.publish(channel, junk);
    }
    const event: BrokerEvent = { kind: "left", room: "room", user: "u1" };
    a.publish(event);
    await waitFor(() => received.length > 0);
    assert.deepEqual(received, [event]);
  } finally {
    await stranger.close();
    await a.close();
    await b.close();
  }
});

Deno.test("RedisBroker reports itself disconnected while Redis is down (for /healthz), then reconnects and delivers again after Redis restarts", async () => {
  const port = freePort();
  let server = await startRedisServer(port);
  const channel = "chat";
  const a = await RedisBroker.connect(server.url, channel);
  const b = await RedisBroker.connect(server.url, channel);
  try {
    const received: BrokerEvent[] = [];
    b.subscribe((event) => received.push(event));
    a.publish({ kind: "left", room: "before", user: "u1" });
    await waitFor(() => received.length === 1);

    assert.equal(a.connected(), true);
    await server.stop();
    await waitFor(() => !a.connected() && !b.connected());
    server = await startRedisServer(port);
    await waitFor(() => a.connected() && b.connected(), 10_000);
    // Events published before both clients are back are lost (pub/sub keeps nothing), so
    // keep publishing until one gets through.
    await waitFor(() => {
      a.publish({ kind: "left", room: "after", user: "u1" });
      return received.some((event) => event.kind === "left" && event.room === "after");
    }, 10_000);
  } finally {
    await a.close();
    await b.close();
    await server.stop();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
