/**
 * Chaos: clients keep sending while the server process is killed with SIGKILL at random moments
 * and restarted on the same port and KV file. Every message must end up stored exactly once,
 * every room gap-free, and every client's view equal to the stored history.
 *
 * Sizes come from the environment (defaults fit the normal suite):
 * `CHAOS_CLIENTS` users (each in both rooms), `CHAOS_MESSAGES` messages per client,
 * `CHAOS_KILLS` kills, `CHAOS_SEED` to replay the same kill timings and backoffs.
 * Run alone with `deno task test:chaos`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { messageTerms } from "../lib/search/search_index.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { ChaosClient } from "./chaos/chaos_client.ts";
import { createRoom, registerUser, roomHead } from "./helpers/chat_client.ts";
import { type ServerProcess, spawnServer } from "./helpers/server_process.ts";
import { freePort } from "./helpers/test_server.ts";
import { indexedPostings } from "./helpers/search_postings.ts";

function envInt(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  return raw ? Number.parseInt(raw, 10) : fallback;
}

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, checking every 50 ms; false at the deadline. */
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

Deno.test("under random SIGKILLs and restarts, every message is stored exactly once, rooms stay gap-free and every client sees the stored history", async () => {
  const clientCount = envInt("CHAOS_CLIENTS", 8);
  const perClient = envInt("CHAOS_MESSAGES", 100);
  const killCount = envInt("CHAOS_KILLS", 4);
  const seed = envInt("CHAOS_SEED", Math.floor(Math.random() * 2 ** 31));
  const random = seeded(seed);
  const sendEveryMs = 25;

  const dir = await Deno.makeTempDir({ prefix: "chaos" });
  const kvPath = `${dir}/chat.kv`;
  const port = freePort();
  const env = { SEND_RATE: "100000", SEND_BURST: "100000", SAME_TEXT_MAX: "100000" };
  let server: ServerProcess | undefined = await spawnServer({ kvPath, port, env });
  const clients: ChaosClient[] = [];
  try {
    const users = [];
    for (let i = 0; i < clientCount; i++) users.push(await registerUser(server.url, `chaos${i}`));
    const rooms = [
      (await createRoom(server.url, users[0]!, users.slice(1), "chaos-a")).id,
      (await createRoom(server.url, users[0]!, users.slice(1), "chaos-b")).id,
    ];
    // What the setup stored (a system message per join) comes before every sent message.
    const setup = new Map<string, number>();
    for (const room of rooms) setup.set(room, await roomHead(server.url, users[0]!, room));
    for (const user of users) {
      const client = new ChaosClient({ url: server.url, user, rooms, random });
      clients.push(client);
      client.start();
    }
    assert.ok(await until(() => clients.every((c) => c.online), 10_000), "clients connect");

    // Each client sends its numbered messages at a steady rate, alternating rooms, whether or
    // not it is connected (offline messages wait in its outbox).
    const sending = Promise.all(clients.map(async (client, c) => {
      await sleep(random() * sendEveryMs);
      for (let i = 1; i <= perClient; i++) {
        client.send(rooms[(c + i) % 2]!, `client ${c} message ${i}`);
        await sleep(sendEveryMs);
      }
    }));
    const sendingMs = perClient * sendEveryMs;
    let kills = 0;
    const started = Date.now();
    for (; kills < killCount; kills++) {
      // Spread the kills over the sending time, each after the server has been up a while.
      const left = Math.max(150, sendingMs - (Date.now() - started));
      await sleep(150 + random() * Math.min(1_000, left / (killCount - kills)));
      await server.stop("SIGKILL");
      server = undefined;
      await sleep(random() * 300);
      server = await spawnServer({ kvPath, port, env });
    }
    await sending;

    const expected = new Map(rooms.map((room) => [room, setup.get(room)!]));
    for (const client of clients) {
      for (const message of client.sent) {
        expected.set(message.room, expected.get(message.room)! + 1);
      }
    }
    // The quiet period: no new messages; every outbox drains and every view catches up.
    const settled = await until(
      () =>
        clients.every((client) =>
          client.outbox.size === 0 &&
          rooms.every((room) => client.contiguous(room) >= expected.get(room)!)
        ),
      20_000,
    );
    const progress = clients.map((client, c) =>
      `client ${c}: outbox ${client.outbox.size}, seen ${
        rooms.map((r) => client.contiguous(r))
      }`
    ).join("; ") + ` of ${[...expected.values()]}`;
    for (const client of clients) await client.stop();
    await server.stop("SIGTERM");
    server = undefined;

    const kv = await Deno.openKv(kvPath);
    const stored = new Map<string, ChatMessage[]>();
    try {
      const store = new KvMessageStore(kv, systemClock);
      for (const room of rooms) {
        stored.set(room, await store.after(room, 0, 100_000));
        assert.equal(await store.head(room), stored.get(room)!.length, "head is the last seq");
        // The search index holds exactly the words of the stored messages, pending or merged:
        // it is written in their commits, so no kill can leave one without the other.
        const indexed = new Set(
          (await indexedPostings(kv)).filter((p) => p.room === room).map((p) =>
            `${p.seq} ${p.term}`
          ),
        );
        const expected = new Set(stored.get(room)!.flatMap((message) =>
          messageTerms(message).map((term) => `${message.seq} ${term}`)
        ));
        assert.deepEqual([...indexed].sort(), [...expected].sort(), `${room} search index`);
      }
    } finally {
      kv.close();
    }

    for (const [room, messages] of stored) {
      assert.deepEqual(
        messages.map((m) =>
          m.seq
        ),
        messages.map((_, i) => i + 1),
        `${room} gap-free`,
      );
      assert.ok(
        messages.slice(0, setup.get(room)!).every((m) => m.kind === "system"),
        `${room} starts with the system messages of its setup`,
      );
    }
    const copies = new Map<string, number>();
    for (const messages of stored.values()) {
      for (const m of messages) {
        const key = `${m.room}|${m.from}|${m.text}`;
        copies.set(key, (copies.get(key) ?? 0) + 1);
      }
    }
    let sent = 0;
    let acked = 0;
    let lost = 0;
    let duplicated = 0;
    const violations: string[] = [];
    for (const [c, client] of clients.entries()) {
      violations.push(...client.violations.map((v) => `client ${c}: ${v}`));
      for (const message of client.sent) {
        sent++;
        const count = copies.get(`${message.room}|${client.user.id}|${message.text}`) ?? 0;
        if (count === 0) lost++;
        if (count > 1) duplicated += count - 1;
        const ack = client.acks.get(message.clientId);
        if (!ack) continue;
        acked++;
        const atSeq = stored.get(ack.room)?.[ack.seq - 1];
        if (atSeq?.id !== ack.id || atSeq.text !== message.text || atSeq.from !== client.user.id) {
          violations.push(
            `client ${c}: ack of ${message.clientId} is not the stored seq ${ack.seq}`,
          );
        }
      }
      for (const room of rooms) {
        const view = [...client.views.get(room)!.values()].sort((a, b) => a.seq - b.seq);
        try {
          assert.deepEqual(view, stored.get(room));
        } catch {
          violations.push(`client ${c}: its view of ${room} differs from the store`);
        }
      }
    }
    const total = (key: "connections" | "resends" | "resets") =>
      clients.reduce((sum, client) => sum + client[key], 0);
    console.log(
      `chaos: messages=${sent} kills=${kills} acked=${acked} lost=${lost} ` +
        `duplicated=${duplicated} clients=${clientCount} reconnects=${
          total("connections") - clientCount
        } ` +
        `resent=${total("resends")} resets=${total("resets")} seed=${seed}`,
    );
    assert.equal(lost, 0, `lost messages (seed ${seed})`);
    assert.ok(settled, `the clients did not catch up (seed ${seed}): ${progress}`);
    assert.equal(duplicated, 0, `duplicated messages (seed ${seed})`);
    assert.equal(acked, sent, "every message was acked in the end");
    assert.equal(
      [...stored.values()].reduce((sum, messages) => sum + messages.length, 0),
      sent + [...setup.values()].reduce((sum, count) => sum + count, 0),
      "nothing else was stored",
    );
    assert.deepEqual(violations, [], `seed ${seed}`);
    assert.ok(
      killCount === 0 || clients.every((client) => client.connections > 1),
      "every client was cut off and reconnected",
    );
  } finally {
    for (const client of clients) await client.stop();
    await server?.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});
