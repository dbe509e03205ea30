/**
 * Integration tests: a real server on a free port, real WebSockets, real Deno KV.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MAX_FRAME_BYTES, type ServerFrame } from "../lib/common/protocol.ts";
import { createRoom, openSocket, registerUser, TestSocket } from "./helpers/chat_client.ts";
import { clientFrame, RawFrameReader, rawUpgrade, writeAll } from "./helpers/raw_websocket.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { withTestServer } from "./helpers/test_server.ts";

Deno.test("two users in one room see each other's messages live, acked with the stored seq", async () => {
  await withTestServer((server) =>
    withRoom(
      server.url,
      ["alice", "bob"],
      async ({ room, users: { alice, bob }, sockets, head }) => {
        const { alice: a, bob: b } = sockets;
        // Bob's join is in the log already (head); the first sent message comes after it.
        a.send(
          {
            type: "send",
            room: room.id,
            clientId: "hello-0001",
            text: "hi bob 👋",
            from: "bob",
          } as never,
        );
        const ack = await a.next("ack", (frame) => frame.clientId === "hello-0001");
        assert.equal(ack.seq, head + 1);
        const seen = await b.next("message", (frame) => frame.room === room.id);
        assert.deepEqual(
          { seq: seen.seq, id: seen.id, from: seen.from, author: seen.author, text: seen.text },
          { seq: head + 1, id: ack.id, from: alice.id, author: alice.name, text: "hi bob 👋" },
        );
        b.send({ type: "send", room: room.id, clientId: "reply-0001", text: "hi alice" });
        const reply = await a.next("message", (frame) => frame.seq === head + 2);
        assert.equal(reply.from, bob.id);
      },
    )
  );
});

Deno.test("a send retried with the same clientId is stored once and acked with the original", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const first = await openSocket(server.url, alice);
    first.send({ type: "send", room: room.id, clientId: "retry-0001", text: "once" });
    const ack1 = await first.next("ack");
    await first.close();

    const second = await openSocket(server.url, alice);
    second.send({ type: "send", room: room.id, clientId: "retry-0001", text: "once" });
    second.send({ type: "send", room: room.id, clientId: "retry-0001", text: "once" });
    await second.next("ack");
    const acks = () => second.frames.filter((f) => f.type === "ack");
    while (acks().length < 2) await second.next("ack", (f) => acks().indexOf(f) === 1);
    for (const ack of acks()) assert.deepEqual(ack, ack1);

    const ref = "h1";
    second.send({ type: "history", room: room.id, ref });
    const history = await second.next("history", (frame) => frame.ref === ref);
    assert.deepEqual(history.messages.map((m) => m.text), ["once"]);
    await second.close();
  });
});

Deno.test("resume after a disconnect delivers exactly the missed messages in order, then live ones", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { bob }, sockets, head }) => {
      const { alice: a, bob: b1 } = sockets;
      // Seqs below are counted from the room's head after Bob's join message.
      const base = head;
      a.send({ type: "send", room: room.id, clientId: "before-0001", text: "m1" });
      await b1.next("message", (frame) => frame.seq === base + 1);
      await b1.close();

      for (let i = 2; i <= 6; i++) {
        a.send({ type: "send", room: room.id, clientId: `missed-000${i}`, text: `m${i}` });
      }
      await a.next("ack", (frame) => frame.seq === base + 6);

      const b2 = await openSocket(server.url, bob);
      const subscribed = await b2.subscribe(room.id, base + 1);
      assert.equal(subscribed.reset, false);
      assert.equal(subscribed.head, base + 6);
      await b2.waitForMessages(room.id, 5);
      a.send({ type: "send", room: room.id, clientId: "after-00007", text: "m7" });
      await b2.waitForMessages(room.id, 6);
      assert.deepEqual(b2.messages(room.id).map((m) => m.text), [
        "m2",
        "m3",
        "m4",
        "m5",
        "m6",
        "m7",
      ]);
      assert.deepEqual(
        b2.messages(room.id).map((m) => m.seq - base),
        [2, 3, 4, 5, 6, 7],
      );
      await b2.close();
    })
  );
});

Deno.test("history pages go backwards by seq and say when older messages remain", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    for (let i = 1; i <= 25; i++) {
      a.send({ type: "send", room: room.id, clientId: `page-${1000 + i}`, text: `${i}` });
    }
    await a.next("ack", (frame) => frame.seq === 25);
    a.send({ type: "history", room: room.id, limit: 10, ref: "p1" });
    const newest = await a.next("history", (frame) => frame.ref === "p1");
    assert.deepEqual(newest.messages.map((m) => m.seq), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    assert.equal(newest.hasMore, true);
    a.send({ type: "history", room: room.id, before: 6, limit: 10, ref: "p2" });
    const oldest = await a.next("history", (frame) => frame.ref === "p2");
    assert.deepEqual(oldest.messages.map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.equal(oldest.hasMore, false);
    await a.close();
  });
});

Deno.test("malformed, oversized, binary and unknown frames get error frames and change nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    await a.subscribe(room.id);
    const cases: [string | Uint8Array, ServerFrame["type"], string][] = [
      ["{not json", "error", "bad_frame"],
      [JSON.stringify({ type: "dance", ref: "u1" }), "error", "unknown_type"],
      [
        JSON.stringify({ type: "send", room: room.id, clientId: "x", text: "short id", ref: "b1" }),
        "error",
        "bad_frame",
      ],
      [
        JSON.stringify({
          type: "send",
          room: room.id,
          clientId: "bigbig-01",
          text: "x".repeat(MAX_FRAME_BYTES),
        }),
        "error",
        "frame_too_large",
      ],
      [
        JSON.stringify({ type: "send", room: { $ne: 1 }, clientId: "objroom-1", text: "hi" }),
        "error",
        "bad_frame",
      ],
      [new Uint8Array([1, 2, 3]), "error", "binary_frame"],
    ];
    for (const [raw, , code] of cases) {
      const before = a.frames.length;
      a.send(raw);
      const error = await a.next("error", (frame) => a.frames.indexOf(frame) >= before);
      assert.equal(error.code, code, `for ${String(raw).slice(0, 60)}`);
    }
    const named = a.frames.find((f) => f.type === "error" && f.ref === "b1");
    assert.ok(
      named && named.type === "error" && named.request === "send" && named.room === room.id,
    );
    a.send({ type: "ping", ref: "still-alive" });
    await a.next("pong", (frame) => frame.ref === "still-alive");
    a.send({ type: "history", room: room.id, ref: "h" });
    assert.deepEqual((await a.next("history", (f) => f.ref === "h")).messages, []);
    assert.equal(a.messages(room.id).length, 0);
    await a.close();
  });
});

/**
 * Runs `fn` in a room of Alice and Bob, with Alice's socket (no batches) and a socket of Bob's
 * that asks for batches (`batch=1`), both subscribed.
 */
function withBatchingBob(
  fn: (room: string, batching: TestSocket, plain: TestSocket) => Promise<void>,
): Promise<void> {
  return withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { bob }, sockets }) => {
      const batching = new TestSocket(server.url, bob, server.url, true);
      try {
        await batching.next("welcome");
        await batching.subscribe(room.id);
        await fn(room.id, batching, sockets.alice);
      } finally {
        await batching.close();
      }
    })
  );
}

Deno.test("a socket that asks for batches gets a burst's messages once each, in seq order, several to a frame; one that does not gets one per frame", async () => {
  await withBatchingBob(async (room, batching, plain) => {
    // Under the send burst and flood limits (SEND_BURST 30), so none is refused.
    const count = 12;
    // Sent in one go: the first is committed alone, the rest arrive during that commit and
    // are stored together in the next ones.
    for (let i = 0; i < count; i++) {
      plain.send({
        type: "send",
        room,
        clientId: `burst-${String(i).padStart(4, "0")}`,
        text: `burst ${i}`,
      });
    }
    await batching.waitForMessages(room, count);
    await plain.waitForMessages(room, count);
    const seqs = batching.messages(room).map((message) => message.seq);
    const first = seqs[0]!;
    assert.deepEqual(seqs, Array.from({ length: count }, (_, i) => first + i));
    assert.deepEqual(
      batching.messages(room).map((message) => message.text),
      Array.from({ length: count }, (_, i) => `burst ${i}`),
    );
    assert.ok(batching.texts.some((text) => text.includes("\n")), "no frame held a batch");
    assert.ok(!plain.texts.some((text) => text.includes("\n")));
    assert.deepEqual(plain.messages(room).map((message) => message.seq), seqs);
  });
});

Deno.test("a sender that asks for batches gets its ack and its own message in one frame; a sender that does not gets them apart", async () => {
  await withBatchingBob(async (room, batching, plain) => {
    /** Sends one message; the WebSocket frames that came until its ack and echo had. */
    const say = async (socket: TestSocket, clientId: string) => {
      const before = socket.texts.length;
      socket.send({ type: "send", room, clientId, text: clientId });
      const ack = await socket.next("ack", (frame) => frame.clientId === clientId);
      await socket.next("message", (frame) => frame.seq === ack.seq);
      return socket.texts.slice(before);
    };
    for (let i = 0; i < 3; i++) {
      const texts = await say(batching, `batched-${i}-000`);
      const shared = texts.find((text) => text.includes('"type":"ack"'));
      assert.ok(shared?.includes('"type":"message"'), `ack and echo apart: ${texts}`);
      assert.equal(shared!.split("\n").length, 2);
      assert.ok(!(await say(plain, `plain-${i}-00000`)).some((text) => text.includes("\n")));
    }
    // Each message once, in seq order, on both sockets.
    await plain.waitForMessages(room, 6);
    await batching.waitForMessages(room, 6);
    const seqs = plain.messages(room).map((message) => message.seq);
    assert.deepEqual(batching.messages(room).map((message) => message.seq), seqs);
    assert.equal(new Set(seqs).size, 6);
  });
});

Deno.test("the WebSocket upgrade is refused without a session or from a foreign or missing Origin", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const wsUrl = `${server.url}/ws?v=2`;
    const upgrade = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    };
    const attempt = async (headers: Record<string, string>, url = wsUrl) => {
      const response = await fetch(url, { headers: { ...upgrade, ...headers } });
      await response.body?.cancel();
      return response.status;
    };
    assert.equal(await attempt({ origin: server.url }), 401);
    assert.equal(
      await attempt({
        origin: server.url,
        cookie: "sid=forged-token-forged-token-forged-token-abc",
      }),
      401,
    );
    assert.equal(await attempt({ origin: "https://evil.example", cookie: alice.cookie }), 403);
    assert.equal(await attempt({ cookie: alice.cookie }), 403);

    const refused = new TestSocket(server.url, alice, "https://evil.example");
    await assert.rejects(refused.opened);
    await refused.closed;
    const accepted = new TestSocket(server.url, alice);
    await accepted.next("welcome");
    await accepted.close();
  });
});

Deno.test("a non-member can neither subscribe to, read nor post into a room, existing or not", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const mallory = await registerUser(server.url, "mallory");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    await a.subscribe(room.id);
    a.send({ type: "send", room: room.id, clientId: "secret-001", text: "secret" });
    await a.next("ack");

    const m = await openSocket(server.url, mallory);
    const refusals: Record<string, string>[] = [];
    for (const target of [room.id, "no-such-room"]) {
      m.send({ type: "subscribe", room: target, ref: `s-${target}` });
      m.send({ type: "history", room: target, ref: `h-${target}` });
      m.send({
        type: "send",
        room: target,
        clientId: "intrude-01",
        text: "let me in",
        ref: `p-${target}`,
      });
      for (const prefix of ["s", "h", "p"]) {
        const error = await m.next("error", (frame) => frame.ref === `${prefix}-${target}`);
        refusals.push({ code: error.code, message: error.message });
      }
    }
    assert.ok(refusals.every((r) => r.code === "not_member"));
    // Same answers for the existing and the missing room: nothing reveals that a room exists.
    assert.deepEqual(refusals.slice(0, 3), refusals.slice(3));
    assert.equal(m.frames.filter((f) => f.type === "message" || f.type === "history").length, 0);

    a.send({ type: "history", room: room.id, ref: "check" });
    const history = await a.next("history", (frame) => frame.ref === "check");
    assert.deepEqual(history.messages.map((msg) => msg.text), ["secret"]);
    await a.close();
    await m.close();
  });
});

Deno.test("leaving a room stops its live messages on open sockets at once", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { bob }, sockets }) => {
      const { alice: a, bob: b } = sockets;
      const left = await fetch(`${server.url}/api/rooms/${room.id}/leave`, {
        method: "POST",
        headers: { cookie: bob.cookie, origin: server.url },
      });
      assert.equal(left.status, 204);
      await b.next("unsubscribed", (frame) => frame.room === room.id);
      a.send({ type: "send", room: room.id, clientId: "after-leave", text: "bob is gone" });
      await a.next("message");
      b.send({ type: "send", room: room.id, clientId: "ghost-0001", text: "boo", ref: "ghost" });
      assert.equal((await b.next("error", (f) => f.ref === "ghost")).code, "not_member");
      assert.equal(b.messages(room.id).length, 0);
    })
  );
});

Deno.test("logging out closes that session's live sockets and its cookie stops working", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const socket = await openSocket(server.url, alice);
    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: "POST",
      headers: { cookie: alice.cookie, origin: server.url },
    });
    assert.equal(out.status, 204);
    const closed = await socket.closed;
    assert.equal(closed.code, 4001);
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: alice.cookie } });
    await me.body?.cancel();
    assert.equal(me.status, 401);
  });
});

Deno.test("typing notices reach the room's other members, not the typer nor outsiders, at most once per interval", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const room = await createRoom(server.url, alice, [bob]);
    const other = await createRoom(server.url, carol, [], "other");
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    const c = await openSocket(server.url, carol);
    await a.subscribe(room.id);
    await b.subscribe(room.id);
    await c.subscribe(other.id);
    for (let i = 0; i < 5; i++) a.send({ type: "typing", room: room.id });
    const notice = await b.next("typing");
    assert.deepEqual(notice, {
      type: "typing",
      room: room.id,
      user: { id: alice.id, name: alice.name },
    });
    c.send({ type: "typing", room: room.id, ref: "sneaky" });
    assert.equal((await c.next("error", (f) => f.ref === "sneaky")).code, "not_member");
    a.send({ type: "ping", ref: "flush" });
    await a.next("pong", (f) => f.ref === "flush");
    b.send({ type: "ping", ref: "flush" });
    await b.next("pong", (f) => f.ref === "flush");
    assert.equal(
      b.frames.filter((f) => f.type === "typing").length,
      1,
      "five notices in a burst pass on once",
    );
    assert.equal(a.frames.filter((f) => f.type === "typing").length, 0);
    assert.equal(c.frames.filter((f) => f.type === "typing").length, 0);
    await a.close();
    await b.close();
    await c.close();
  });
});

Deno.test("a text frame of invalid UTF-8 changes nothing, and the server and other sockets carry on", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { alice, bob }, sockets }) => {
      const b = sockets.bob;

      const raw = await rawUpgrade(server.url, { cookie: alice.cookie });
      assert.equal(raw.status, 101);
      const prefix = new TextEncoder().encode(
        `{"type":"send","room":"${room.id}","clientId":"badutf8-01","text":"`,
      );
      const payload = new Uint8Array([
        ...prefix,
        0xff,
        0xfe,
        0xc3,
        0x28,
        ...new TextEncoder().encode('"}'),
      ]);
      await writeAll(raw.conn, clientFrame(payload));
      const reader = new RawFrameReader(raw.conn, raw.rest);
      // Deno's WebSocket layer drops a connection that sends invalid UTF-8 as text (RFC 6455
      // §8.1): the frame never reaches the protocol handler.
      await reader.readUntil(
        () => reader.ended || reader.frames.some((f) => f.opcode === 0x8),
        5_000,
      );
      assert.ok(
        reader.ended || reader.frames.some((f) => f.opcode === 0x8),
        "the socket was closed",
      );
      assert.equal(reader.frames.filter(isErrorOrAck).length, 0);
      raw.conn.close();

      b.send({ type: "history", room: room.id, ref: "after-bad-utf8" });
      const history = await b.next("history", (f) => f.ref === "after-bad-utf8");
      assert.deepEqual(
        history.messages.map((m) => m.text),
        [`${bob.name} joined`],
        "nothing was stored after Bob's join",
      );
      const a = await openSocket(server.url, alice);
      a.send({ type: "send", room: room.id, clientId: "after-bad-01", text: "still here" });
      await b.next("message", (m) => m.text === "still here");
      await a.close();
    }, { connect: ["bob"] })
  );
});

function isErrorOrAck(frame: { opcode: number; payload: Uint8Array }): boolean {
  if (frame.opcode !== 0x1) return false;
  const type = JSON.parse(new TextDecoder().decode(frame.payload)).type;
  return type === "error" || type === "ack";
}

Deno.test("a socket that answers no ping is closed with 4002 by the heartbeat, and one that answers stays open", async () => {
  // The heartbeat is the only liveness check: chat sockets have no Deno idle timeout.
  await withTestServer(async (server) => {
    const silent = await openSocket(server.url, await registerUser(server.url, "silent"));
    const answering = await openSocket(server.url, await registerUser(server.url, "answering"));
    answering.socket.addEventListener("message", (event) => {
      if (String(event.data).startsWith('{"type":"ping"')) answering.send({ type: "pong" });
    });
    // Two intervals of silence close it; 15 intervals bound the wait, so a missing close fails.
    let timer: number | undefined;
    const closed = await Promise.race([
      silent.closed,
      new Promise<undefined>((resolve) => timer = setTimeout(resolve, 15_000)),
    ]);
    clearTimeout(timer);
    assert.equal(closed?.code, 4002, "the silent socket was not closed by the heartbeat");
    assert.ok(answering.frames.some((frame) => frame.type === "ping"));
    assert.equal(answering.socket.readyState, WebSocket.OPEN);
    await answering.close();
  }, { config: { heartbeatMs: 1_000 } });
});
