/**
 * Integration tests against the app run as `deno serve` child processes: restarts on a file
 * KV, and fan-out between the workers of `--parallel`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createRoom, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { subscribeAll } from "./helpers/room_fixture.ts";
import { spawnServer } from "./helpers/server_process.ts";

async function connect(url: string, user: TestUser): Promise<{ socket: TestSocket; node: string }> {
  const socket = new TestSocket(url, user);
  const welcome = await socket.next("welcome");
  return { socket, node: welcome.node };
}

Deno.test("acked messages survive a SIGKILL of the server and a restart on the same KV file", async () => {
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/chat.kv`;
  try {
    const first = await spawnServer({ kvPath });
    const alice = await registerUser(first.url, "alice");
    const room = await createRoom(first.url, alice);
    const { socket } = await connect(first.url, alice);
    for (let i = 1; i <= 20; i++) {
      socket.send({
        type: "send",
        room: room.id,
        clientId: `durable-${1000 + i}`,
        text: `message ${i}`,
      });
    }
    await socket.next("ack", (frame) => frame.seq === 20);
    await first.stop("SIGKILL");
    await socket.closed;

    const second = await spawnServer({ kvPath });
    try {
      const { socket: again } = await connect(second.url, alice);
      again.send({ type: "history", room: room.id, ref: "after-restart" });
      const history = await again.next("history", (frame) => frame.ref === "after-restart");
      assert.deepEqual(
        history.messages.map((m) => [m.seq, m.text]),
        Array.from({ length: 20 }, (_, i) => [i + 1, `message ${i + 1}`]),
      );
      again.send({ type: "send", room: room.id, clientId: "durable-1020", text: "message 20" });
      const ack = await again.next("ack");
      assert.equal(ack.seq, 20, "a resend after the restart is recognised as the same message");
      await again.close();
    } finally {
      await second.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with deno serve --parallel, a flood sent through one worker reaches a client of another, every seq once and in order", async () => {
  const dir = await Deno.makeTempDir();
  const server = await spawnServer({
    kvPath: `${dir}/chat.kv`,
    parallel: true,
    env: { DENO_JOBS: "2", SEND_RATE: "100000", SEND_BURST: "100000" },
  });
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await createRoom(server.url, alice, [bob]);
    const sender = await connect(server.url, alice);
    sockets.push(sender.socket);
    let receiver: { socket: TestSocket; node: string } | undefined;
    for (let attempt = 0; attempt < 50 && !receiver; attempt++) {
      const candidate = await connect(server.url, bob);
      sockets.push(candidate.socket);
      if (candidate.node !== sender.node) receiver = candidate;
    }
    assert.ok(receiver, "no connection landed on a second worker");
    const head = await subscribeAll([sender.socket, receiver.socket], room.id);
    // The flood follows what the setup stored (Bob's join message).
    const seqs = (count: number) => Array.from({ length: count }, (_, i) => head + i + 1);

    const total = 1000;
    for (let i = 1; i <= total; i++) {
      sender.socket.send({
        type: "send",
        room: room.id,
        clientId: `flood-${100000 + i}`,
        text: `#${i}`,
      });
    }
    await receiver.socket.waitForMessages(room.id, total, 60_000);
    const received = receiver.socket.messages(room.id);
    assert.deepEqual(received.map((m) => m.seq), seqs(total));
    assert.deepEqual(
      received.map((m) => m.text),
      Array.from({ length: total }, (_, i) => `#${i + 1}`),
    );
    await sender.socket.waitForMessages(room.id, total, 60_000);
    assert.equal(new Set(sender.socket.messages(room.id).map((m) => m.seq)).size, total);
  } finally {
    for (const socket of sockets) await socket.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
