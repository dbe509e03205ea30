/**
 * Integration test of scaling out with Redis: separate `deno serve` processes that share one
 * KV file and one `redis-server`, as separate machines would share a database and a Redis.
 *
 * @module
 */
import assert from "node:assert/strict";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { withRedisPair } from "./helpers/server_process.ts";

async function subscribed(url: string, user: TestUser, room: string) {
  const socket = new TestSocket(url, user);
  const welcome = await socket.next("welcome");
  const { head } = await socket.subscribe(room);
  return { socket, node: welcome.node, head };
}

function sendNumbered(socket: TestSocket, room: string, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    socket.send({ type: "send", room, clientId: `redis-${100000 + i}`, text: `#${i}` });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

Deno.test("two server processes sharing one KV file and one Redis deliver a message sent on one to a client of the other, in order, exactly once", () =>
  withRedisPair(
    // The flood is the point here, not the per-user send limits.
    { SEND_RATE: "100000", SEND_BURST: "100000" },
    async (a, b) => {
      const sockets: TestSocket[] = [];
      try {
        const alice = await registerUser(a.url, "alice");
        const bob = await registerUser(b.url, "bob");
        const room = await createRoom(a.url, alice);
        assert.equal((await api(b.url, bob, "POST", `/api/rooms/${room.id}/join`)).status, 200);
        const onA = await subscribed(a.url, alice, room.id);
        const onB = await subscribed(b.url, bob, room.id);
        sockets.push(onA.socket, onB.socket);
        assert.notEqual(onA.node, onB.node);
        // Seqs of the flood follow what the setup stored (Bob's join message).
        const base = onB.head;
        const seqs = (from: number, to: number) => range(from, to).map((i) => base + i);

        const forward = 300;
        sendNumbered(onA.socket, room.id, 1, forward);
        await onB.socket.waitForMessages(room.id, forward, 60_000);
        const onBAfterForward = onB.socket.messages(room.id);
        assert.deepEqual(onBAfterForward.map((m) => m.seq), seqs(1, forward));
        assert.deepEqual(onBAfterForward.map((m) => m.text), range(1, forward).map((i) => `#${i}`));

        const total = forward + 100;
        sendNumbered(onB.socket, room.id, forward + 1, total);
        await onA.socket.waitForMessages(room.id, total, 60_000);
        await onB.socket.waitForMessages(room.id, total, 60_000);
        // A late duplicate of an early seq would have arrived before the later seqs: each room
        // is delivered in seq order.
        for (const socket of [onA.socket, onB.socket]) {
          const received = socket.messages(room.id);
          assert.deepEqual(received.map((m) => m.seq), seqs(1, total));
          assert.deepEqual(received.map((m) => m.text), range(1, total).map((i) => `#${i}`));
        }
      } finally {
        for (const socket of sockets) await socket.close();
      }
    },
  ));
