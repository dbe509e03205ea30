/**
 * Chaos: clients keep sending while the server process is killed with SIGKILL at random moments
 * and restarted on the same port and KV file. Every message must end up stored exactly once,
 * every room gap-free, and every client's view equal to the stored history.
 *
 * One of the three rooms is an encrypted private group: its MLS group is formed before the
 * chaos (real ts-mls devices, see `helpers/encrypted_group.ts`), and each client sends there the
 * ciphertext its device made, resending the same bytes until acked. At the end every member's
 * device reads what its client received of that room, in seq order: each acknowledged encrypted
 * message must decrypt to its text at every member but its sender, once, in each sender's order.
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
import { ChaosClient, type SentMessage } from "./chaos/chaos_client.ts";
import { createRoom, registerUser, roomHead } from "./helpers/chat_client.ts";
import { E2eDevice } from "./helpers/e2e_device.ts";
import { createEncryptedGroup, formMlsGroup } from "./helpers/encrypted_group.ts";
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
  const devices: E2eDevice[] = [];
  try {
    const users = [];
    for (let i = 0; i < clientCount; i++) users.push(await registerUser(server.url, `chaos${i}`));
    const encryptedRoom = await createEncryptedGroup(
      server.url,
      users[0]!,
      users.slice(1),
      "chaos-e",
      { befriendFirst: true },
    );
    const rooms = [
      (await createRoom(server.url, users[0]!, users.slice(1), "chaos-a")).id,
      (await createRoom(server.url, users[0]!, users.slice(1), "chaos-b")).id,
      encryptedRoom,
    ];
    // One MLS device per user, all in the encrypted room's group before the chaos starts.
    for (const [i, user] of users.entries()) {
      const device = await E2eDevice.open(server.url, user, `chaos-device-${i}`, 1);
      await device.enter(encryptedRoom);
      devices.push(device);
    }
    const groupFormed = await formMlsGroup(encryptedRoom, devices);
    for (const device of devices) await device.close();
    // What the setup stored (a system message per join, and the encrypted room's commit) comes
    // before every sent message.
    const setup = new Map<string, number>();
    for (const room of rooms) setup.set(room, await roomHead(server.url, users[0]!, room));
    assert.equal(setup.get(encryptedRoom), groupFormed, "the group's commit ends its setup");
    for (const user of users) {
      const client = new ChaosClient({ url: server.url, user, rooms, random });
      clients.push(client);
      client.start();
    }
    assert.ok(await until(() => clients.every((c) => c.online), 10_000), "clients connect");

    // Each client sends its numbered messages at a steady rate, taking the rooms in turn,
    // whether or not it is connected (offline messages wait in its outbox). In the encrypted
    // room it sends its device's ciphertext of the text.
    const sending = Promise.all(clients.map(async (client, c) => {
      await sleep(random() * sendEveryMs);
      for (let i = 1; i <= perClient; i++) {
        const room = rooms[(c + i) % rooms.length]!;
        const text = `client ${c} message ${i}`;
        if (room === encryptedRoom) client.send(room, text, await devices[c]!.group!.encrypt(text));
        else client.send(room, text);
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
        messages.slice(0, setup.get(room)!).every((m) =>
          m.kind === "system" || (room === encryptedRoom && m.seq === groupFormed)
        ),
        `${room} starts with the system messages of its setup`,
      );
    }
    // A message is told apart by what the server stored of it: its text, or its ciphertext.
    const body = (m: { text: string; e2e?: { data: string } }) => m.e2e?.data ?? m.text;
    const copies = new Map<string, number>();
    for (const messages of stored.values()) {
      for (const m of messages) {
        const key = `${m.room}|${m.from}|${body(m)}`;
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
        const count = copies.get(`${message.room}|${client.user.id}|${body(message)}`) ?? 0;
        if (count === 0) lost++;
        if (count > 1) duplicated += count - 1;
        const ack = client.acks.get(message.clientId);
        if (!ack) continue;
        acked++;
        const atSeq = stored.get(ack.room)?.[ack.seq - 1];
        if (
          atSeq?.id !== ack.id || body(atSeq) !== body(message) || atSeq.from !== client.user.id
        ) {
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
    const decrypted = await readEncryptedRoom(clients, devices, encryptedRoom, groupFormed);
    violations.push(...decrypted.violations);
    const total = (key: "connections" | "resends" | "resets") =>
      clients.reduce((sum, client) => sum + client[key], 0);
    console.log(
      `chaos: messages=${sent} kills=${kills} acked=${acked} lost=${lost} ` +
        `duplicated=${duplicated} clients=${clientCount} reconnects=${
          total("connections") - clientCount
        } ` +
        `resent=${total("resends")} resets=${total("resets")} ` +
        `encrypted=${decrypted.messages} decrypted=${decrypted.reads} seed=${seed}`,
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
    assert.equal(
      decrypted.reads,
      decrypted.messages * (clientCount - 1),
      "every encrypted message was read by every member but its sender",
    );
    assert.ok(
      killCount === 0 || clients.every((client) => client.connections > 1),
      "every client was cut off and reconnected",
    );
  } finally {
    for (const client of clients) await client.stop();
    for (const device of devices) await device.close();
    await server?.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Has each member's device read its client's view of the encrypted room after the group's
 * commit, in seq order, and checks what it read: a message of another member must decrypt to
 * the text its sender encrypted; one of its own is recognised as its own; each sender's
 * messages come in the order they were created. Returns what broke, in words, with how many
 * encrypted messages were stored and how many decryptions succeeded.
 */
async function readEncryptedRoom(
  clients: readonly ChaosClient[],
  devices: readonly E2eDevice[],
  room: string,
  groupFormed: number,
): Promise<{ violations: string[]; messages: number; reads: number }> {
  const sentBy = new Map<string, { sender: number; message: SentMessage; index: number }>();
  for (const [c, client] of clients.entries()) {
    client.sent.filter((message) => message.e2e).forEach((message, index) => {
      sentBy.set(message.e2e!.data, { sender: c, message, index });
    });
  }
  const violations: string[] = [];
  let messages = 0;
  let reads = 0;
  for (const [c, client] of clients.entries()) {
    const group = devices[c]!.group!;
    const lastIndex = new Map<number, number>();
    const view = [...client.views.get(room)!.values()]
      .filter((m) => m.seq > groupFormed)
      .sort((a, b) => a.seq - b.seq);
    if (c === 0) messages = view.length;
    for (const entry of view) {
      const sent = entry.e2e && sentBy.get(entry.e2e.data);
      if (!sent) {
        violations.push(`client ${c}: seq ${entry.seq} of the encrypted room was never sent`);
        continue;
      }
      const incoming = await group.receive(entry.e2e!);
      const own = sent.sender === c;
      const expected = own
        ? { kind: "skipped", reason: "own_message" }
        : { kind: "message", text: sent.message.text, content: { v: 1, text: sent.message.text } };
      if (JSON.stringify(incoming) !== JSON.stringify(expected)) {
        violations.push(
          `client ${c}: seq ${entry.seq} of the encrypted room read as ${JSON.stringify(incoming)}`,
        );
      } else if (!own) reads++;
      if ((lastIndex.get(sent.sender) ?? -1) >= sent.index) {
        violations.push(`client ${c}: seq ${entry.seq} of the encrypted room came out of order`);
      }
      lastIndex.set(sent.sender, sent.index);
    }
  }
  return { violations, messages, reads };
}
