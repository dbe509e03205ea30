import assert from "node:assert/strict";
import type { BrokerEvent } from "../lib/realtime/broker/broker.ts";
import { KvBroker, type KvBrokerMode, SHARDS } from "../lib/realtime/broker/broker_kv.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { brokerConformance, waitFor } from "./broker_conformance.ts";

/** Two KV handles on one fresh file, as two workers of one process (or two processes) have. */
async function withKvFile<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "kv-broker-" });
  try {
    return await fn(`${dir}/chat.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Two nodes on their own KV handles of one file: `a` watches, `b` watches or polls. */
async function openPair(path: string, bMode: KvBrokerMode, pollMs = 20) {
  const channel = `test-${crypto.randomUUID()}`;
  const kvA = await Deno.openKv(path);
  const kvB = await Deno.openKv(path);
  const a = await KvBroker.open(kvA, { channel });
  const b = await KvBroker.open(kvB, { channel, mode: bMode, pollMs });
  return {
    a,
    b,
    kv: kvA,
    channel,
    async close() {
      await a.close();
      await b.close();
      kvA.close();
      kvB.close();
    },
  };
}

for (const mode of ["watch", "poll"] as const) {
  brokerConformance(`KvBroker (${mode})`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "kv-broker-" });
    const pair = await openPair(`${dir}/chat.kv`, mode);
    return {
      a: pair.a,
      b: pair.b,
      close: async () => {
        await pair.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  });
}

Deno.test("KvBroker (poll): events committed one by one between two polls all arrive, in order", () =>
  withKvFile(async (path) => {
    // Polls 250 ms apart, while each commit takes well under a millisecond: many commits land
    // between two reads, and the reader must list them all rather than take the newest head.
    const pair = await openPair(path, "poll", 250);
    try {
      const received = record(pair.b);
      const sent = Array.from({ length: 30 }, (_, i) => messagesEvent([message(i + 1)]));
      for (const [i, event] of sent.entries()) {
        pair.a.publish(event);
        await waitFor(async () => await headTotal(pair.kv, pair.channel) === i + 1);
      }
      await waitFor(() => received.length === sent.length);
      assert.deepEqual(received, sent);
    } finally {
      await pair.close();
    }
  }));

Deno.test("KvBroker: more nodes than shards publishing at once lose nothing, and each one's events arrive in its order", () =>
  withKvFile(async (path) => {
    const channel = `test-${crypto.randomUUID()}`;
    const kvs: Deno.Kv[] = [];
    const brokers: KvBroker[] = [];
    try {
      // SHARDS + 4 publishers: at least two share a shard and race for its head.
      for (let node = 0; node <= SHARDS + 4; node++) {
        const kv = await Deno.openKv(path);
        kvs.push(kv);
        brokers.push(await KvBroker.open(kv, { channel }));
      }
      const [reader, ...publishers] = brokers;
      const received = record(reader!);
      const perNode = 20;
      for (let i = 1; i <= perNode; i++) {
        publishers.forEach((broker, node) =>
          broker.publish(messagesEvent([message(i, `${node}`)]))
        );
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await waitFor(() => received.length === publishers.length * perNode);
      const seqsOf = (node: number) =>
        received.flatMap((event) =>
          event.kind === "messages" ? event.messages.filter((m) => m.text === `${node}`) : []
        ).map((m) => m.seq);
      for (let node = 0; node < publishers.length; node++) {
        assert.deepEqual(seqsOf(node), Array.from({ length: perNode }, (_, i) => i + 1));
      }
    } finally {
      for (const broker of brokers) await broker.close();
      for (const kv of kvs) kv.close();
    }
  }));

Deno.test("KvBroker: a messages event larger than one KV value arrives whole, in order", () =>
  withKvFile(async (path) => {
    const pair = await openPair(path, "watch");
    try {
      const received = record(pair.b);
      // 40 messages of 4,000 Chinese characters: ~480 KB of JSON, against 64 KiB per value.
      const messages = Array.from({ length: 40 }, (_, i) => message(i + 1, "消息".repeat(2000)));
      pair.a.publish(messagesEvent(messages));
      pair.a.publish({ kind: "left", room: "room", user: "u1" });
      await waitFor(() => received.some((event) => event.kind === "left"));
      const delivered = received.flatMap((event) =>
        event.kind === "messages" ? event.messages : []
      );
      assert.deepEqual(delivered, messages);
      assert.equal(received.at(-1)?.kind, "left");
    } finally {
      await pair.close();
    }
  }));

Deno.test("KvBroker.close() still writes the events published just before it", () =>
  withKvFile(async (path) => {
    const pair = await openPair(path, "watch");
    try {
      const received = record(pair.b);
      const event: BrokerEvent = { kind: "session_ended", session: "s1" };
      pair.a.publish(event);
      await pair.a.close();
      await waitFor(() => received.length === 1);
      assert.deepEqual(received, [event]);
    } finally {
      await pair.close();
    }
  }));

Deno.test("KvBroker: a node that joins later receives only what is published after it joined", () =>
  withKvFile(async (path) => {
    const pair = await openPair(path, "watch");
    const kvC = await Deno.openKv(path);
    try {
      const onB = record(pair.b);
      pair.a.publish({ kind: "left", room: "before", user: "u1" });
      await waitFor(() => onB.length === 1);
      const c = await KvBroker.open(kvC, { channel: pair.channel, mode: "poll", pollMs: 20 });
      const onC = record(c);
      pair.a.publish({ kind: "left", room: "after", user: "u1" });
      await waitFor(() => onC.length === 1 && onB.length === 2);
      assert.deepEqual(onC, [{ kind: "left", room: "after", user: "u1" }]);
      await c.close();
    } finally {
      kvC.close();
      await pair.close();
    }
  }));

function record(broker: KvBroker): BrokerEvent[] {
  const events: BrokerEvent[] = [];
  broker.subscribe((event, fromThisNode) => {
    if (!fromThisNode) events.push(event);
  });
  return events;
}

async function headTotal(kv: Deno.Kv, channel: string): Promise<number> {
  const shards = Array.from({ length: SHARDS }, (_, shard) => keys.brokerHead(channel, shard));
  const heads = await kv.getMany<number[]>(shards);
  return heads.reduce((sum, entry) => sum + (entry.value ?? 0), 0);
}

function message(seq: number, text = `message ${seq}`): ChatMessage {
  return { room: "room", seq, id: `id-${seq}`, from: "u1", author: "alice", text, at: seq };
}

function messagesEvent(messages: ChatMessage[]): BrokerEvent {
  return { kind: "messages", room: "room", messages };
}
