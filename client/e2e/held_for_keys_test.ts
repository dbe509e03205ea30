import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import type { E2ePayload } from "../../lib/common/protocol.ts";
import { MemoryStorage } from "../testing/memory_storage.ts";
import { welcomedClient } from "../testing/welcomed_client.ts";
import { KEYS_NEVER_CAME, sendHeldForKeys } from "./held_for_keys.ts";

const SECRET = "meet at the north gate";

/**
 * A connected chat client (on fake sockets) and the watch over its held texts: the room `r1`
 * has keys once `ready` is set; each encryption is answered by the test (`answer`).
 */
function setup(storage = new MemoryStorage(), waitMs?: number) {
  let ids = 0;
  const { client, welcome, socket: latest, clock } = welcomedClient({
    storage,
    newId: () => `client-id-${++ids}`,
  });
  client.connect();
  welcome();
  const socket = latest();
  const ready = signal(false);
  const asked: { text: string; answer: (payload: E2ePayload) => void; fail: () => void }[] = [];
  const stop = sendHeldForKeys({
    outbox: client.outbox,
    ready: (room) => room === "r1" && ready.value,
    encrypt: (_room, text) =>
      new Promise((answer, reject) =>
        asked.push({ text, answer, fail: () => reject(new Error("not in the group")) })
      ),
    send: (clientId) => client.retry(clientId),
    timers: clock,
    ...(waitMs ? { waitMs } : {}),
  });
  return { client, clock, socket, ready, asked, stop, storage };
}

/** Lets the encryptions' promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const cipher = (data: string): E2ePayload => ({ kind: "message", data });

Deno.test("sendHeldForKeys() sends nothing of a text typed before the keys, then encrypts it once and sends it under its clientId", async () => {
  const { client, socket, ready, asked, stop } = setup();
  assert.equal(client.send("r1", SECRET, undefined, undefined, "keys"), null);
  assert.deepEqual(socket.frames("send"), [], "nothing leaves while the device has no keys");
  assert.equal(asked.length, 0, "nothing is encrypted before the keys");
  assert.equal(client.outbox.get("client-id-1")?.held, "keys");

  ready.value = true;
  assert.deepEqual(asked.map((ask) => ask.text), [SECRET]);
  asked[0]!.answer(cipher("ciphertext-1"));
  await settle();
  assert.deepEqual(socket.frames("send"), [
    { type: "send", room: "r1", clientId: "client-id-1", text: "", e2e: cipher("ciphertext-1") },
  ]);
  assert.ok(!socket.sent.some((raw) => raw.includes(SECRET)), "the text never left in clear");

  // Later changes of the room or the outbox do not encrypt it again.
  ready.value = false;
  ready.value = true;
  client.send("r2", "plain elsewhere");
  assert.equal(asked.length, 1);
  socket.receive({ type: "ack", clientId: "client-id-1", id: "m1", room: "r1", seq: 1, at: 1 });
  assert.equal(client.outbox.get("client-id-1"), undefined);
  stop();
});

Deno.test("sendHeldForKeys() keeps the room's order: held texts are encrypted and sent oldest first, before a later one", async () => {
  const { client, socket, ready, asked, stop } = setup();
  client.send("r1", "first", undefined, undefined, "keys");
  client.send("r1", "second", undefined, undefined, "keys");
  // A later entry of the room (already encrypted) waits behind the held ones.
  client.outbox.add({
    clientId: "client-id-9",
    room: "r1",
    text: "third",
    createdAt: 2,
    status: "pending",
    e2e: cipher("c3"),
  });
  client.retry("client-id-9");
  assert.deepEqual(socket.frames("send"), []);

  ready.value = true;
  assert.deepEqual(asked.map((ask) => ask.text), ["first", "second"]);
  asked[1]!.answer(cipher("c2"));
  await settle();
  assert.deepEqual(socket.frames("send"), [], "the second waits for the first");
  asked[0]!.answer(cipher("c1"));
  await settle();
  assert.deepEqual(
    socket.frames("send").map((frame) => frame.type === "send" && frame.e2e?.data),
    ["c1", "c2", "c3"],
  );
  stop();
});

Deno.test("sendHeldForKeys() marks a text failed when the keys do not come in time; a retry waits again and sends it once they come", async () => {
  // Shorter than the default wait, which would outlast the fake socket's heartbeat.
  const wait = 500;
  const { client, clock, socket, ready, asked, stop } = setup(undefined, wait);
  client.send("r1", SECRET, undefined, undefined, "keys");
  clock.advance(wait - 1);
  assert.equal(client.outbox.get("client-id-1")?.status, "pending");
  clock.advance(1);
  assert.equal(client.outbox.get("client-id-1")?.status, "failed");
  assert.equal(client.outbox.get("client-id-1")?.error, KEYS_NEVER_CAME);
  assert.equal(client.outbox.get("client-id-1")?.text, SECRET, "kept, not dropped");

  client.retry("client-id-1");
  assert.deepEqual(socket.frames("send"), [], "a retry without keys sends nothing");
  // The client's own timers (heartbeat) run beside it.
  assert.ok(clock.pending.includes(wait), "and waits again");
  ready.value = true;
  assert.ok(!clock.pending.includes(wait), "the wait ends once the keys are there");
  asked[0]!.answer(cipher("c1"));
  await settle();
  assert.equal(socket.frames("send").length, 1);
  stop();
});

Deno.test("sendHeldForKeys() marks a text failed when its encryption fails, kept held for a retry", async () => {
  const { client, socket, ready, asked, stop } = setup();
  ready.value = true;
  client.send("r1", SECRET, undefined, undefined, "keys");
  asked[0]!.fail();
  await settle();
  const entry = client.outbox.get("client-id-1");
  assert.deepEqual([entry?.status, entry?.held, entry?.error], [
    "failed",
    "keys",
    "not in the group",
  ]);
  client.retry("client-id-1");
  assert.equal(asked.length, 2, "the retry encrypts again");
  asked[1]!.answer(cipher("c1"));
  await settle();
  assert.deepEqual(socket.frames("send").map((frame) => frame.clientId), ["client-id-1"]);
  stop();
});

Deno.test("a text held for keys survives a reload held, and is never sent in clear by the reloaded page", async () => {
  const first = setup();
  first.client.send("r1", SECRET, undefined, undefined, "keys");
  first.stop();

  const reloaded = setup(first.storage);
  assert.deepEqual(
    reloaded.client.outbox.entries.value.map(({ clientId, held, status }) => [
      clientId,
      held,
      status,
    ]),
    [["client-id-1", "keys", "pending"]],
  );
  assert.deepEqual(reloaded.socket.frames("send"), []);
  reloaded.ready.value = true;
  reloaded.asked[0]!.answer(cipher("c1"));
  await settle();
  assert.deepEqual(reloaded.socket.frames("send").map((frame) => frame.clientId), ["client-id-1"]);
  assert.ok(!reloaded.socket.sent.some((raw) => raw.includes(SECRET)));
  reloaded.stop();
});
