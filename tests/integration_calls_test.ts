/**
 * Integration tests of call signalling: a real server (two nodes on one KV for the cross-node
 * case), real sockets, and the fake clock for the ring timeout and the call's length. Who may
 * call whom, ringing every tab, answering in one, busy, decline, timeout, relaying only to
 * the chosen socket of the other party, TURN credentials, and the summary in the DM's log.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import { api, createRoom, openSocket, registerUser } from "./helpers/chat_client.ts";
import { startTestServer, type TestServer, withTestServer } from "./helpers/test_server.ts";
import {
  callState,
  closeAll,
  flushed,
  friendsWithDm,
  refused,
  signals,
  socketIdOf,
  systemEvent,
} from "./helpers/call_frames.ts";

Deno.test("a call rings every tab of the callee, answering in one tab tells the others, and hanging up logs its length", async () => {
  const clock = new FakeClock(Date.now());
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await friendsWithDm(server.url, alice, bob);
    const a = await openSocket(server.url, alice);
    const [b1, b2] = [await openSocket(server.url, bob), await openSocket(server.url, bob)];
    await a.subscribe(room);

    a.send({ type: "call_invite", call: "call-one-1", room, media: "video" });
    for (const tab of [b1, b2]) {
      const ring = await callState(tab, "call-one-1", "ringing");
      assert.deepEqual(ring.call.from, { id: alice.id, name: alice.name });
      assert.equal(ring.call.media, "video");
      assert.deepEqual(ring.call.participants, [alice.id, bob.id]);
    }
    b1.send({ type: "call_accept", call: "call-one-1" });
    for (const socket of [a, b1, b2]) {
      const active = await callState(socket, "call-one-1", "active");
      // b2 sees that another socket carries the call, so it stops ringing.
      assert.equal(active.call.sockets[bob.id], socketIdOf(b1));
      assert.equal(active.call.sockets[alice.id], socketIdOf(a));
    }

    clock.advance(245_000);
    a.send({ type: "call_hangup", call: "call-one-1" });
    for (const socket of [a, b1, b2]) {
      assert.equal((await callState(socket, "call-one-1", "ended")).call.reason, "hangup");
    }
    const summary = await systemEvent(a, room, "call_ended");
    assert.deepEqual(summary.event, { type: "call_ended", by: alice.name, duration: "4:05" });
    assert.equal(summary.text, "Call, 4:05");
    // The call is over: its id is unknown now, and both may call again.
    assert.equal(
      (await refused(b1, { type: "call_hangup", call: "call-one-1" })).code,
      "no_such_call",
    );
    b1.send({ type: "call_invite", call: "call-one-2", room, media: "audio" });
    await callState(a, "call-one-2", "ringing");
    await closeAll([a, b1, b2]);
  }, { clock, timers: clock });
});

Deno.test("SDP and ICE candidates reach only the other party's chosen socket, and nobody else can send them", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const mallory = await registerUser(server.url, "mallory");
    const room = await friendsWithDm(server.url, alice, bob);
    const a1 = await openSocket(server.url, alice);
    const a2 = await openSocket(server.url, alice);
    const b1 = await openSocket(server.url, bob);
    const b2 = await openSocket(server.url, bob);
    const m = await openSocket(server.url, mallory);
    const call = "call-relay-1";
    a1.send({ type: "call_invite", call, room, media: "audio" });
    await callState(b1, call, "ringing");
    // No media before the call is answered: bob has no chosen socket yet.
    const early = { type: "call_signal", call, to: bob.id, signal: { kind: "offer", sdp: "v=0" } };
    assert.equal((await refused(a1, early)).code, "not_allowed");
    b1.send({ type: "call_accept", call });
    await callState(a1, call, "active");

    a1.send({ type: "call_signal", call, to: bob.id, signal: { kind: "offer", sdp: "v=0 offer" } });
    const offer = await b1.next("call_signal");
    assert.deepEqual(offer, {
      type: "call_signal",
      call,
      from: alice.id,
      signal: { kind: "offer", sdp: "v=0 offer" },
    });
    const candidate = { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" };
    b1.send({ type: "call_signal", call, to: alice.id, signal: { kind: "candidate", candidate } });
    assert.deepEqual((await a1.next("call_signal")).signal, { kind: "candidate", candidate });
    await Promise.all([a2, b2, m].map(flushed));
    assert.deepEqual([a2, b2, m].map((socket) => signals(socket).length), [0, 0, 0]);

    // Another tab of a party, a stranger, a party writing to themselves or to a stranger.
    const answer = { kind: "answer", sdp: "v=0 answer" };
    assert.equal(
      (await refused(b2, { type: "call_signal", call, to: alice.id, signal: answer })).code,
      "no_such_call",
    );
    assert.equal(
      (await refused(m, { type: "call_signal", call, to: alice.id, signal: answer })).code,
      "no_such_call",
    );
    assert.equal((await refused(m, { type: "call_hangup", call })).code, "no_such_call");
    assert.equal(
      (await refused(b1, { type: "call_signal", call, to: bob.id, signal: answer })).code,
      "not_allowed",
    );
    assert.equal(
      (await refused(b1, { type: "call_signal", call, to: mallory.id, signal: answer })).code,
      "not_allowed",
    );
    // Over the size limit, or not a signal at all: refused by the validator.
    const big = { kind: "offer", sdp: "x".repeat(16 * 1024 + 1) };
    const tooBig = await refused(b1, { type: "call_signal", call, to: alice.id, signal: big });
    assert.equal(tooBig.code, "bad_frame");
    assert.match(tooBig.message, /sdp is over/);
    const odd = { kind: "renegotiate", sdp: "v=0" };
    assert.equal(
      (await refused(b1, { type: "call_signal", call, to: alice.id, signal: odd })).code,
      "bad_frame",
    );
    await flushed(a1);
    assert.equal(signals(a1).length, 1);

    // After a reconnect, the new socket takes the call over with `call_join`.
    await b1.close();
    const b3 = await openSocket(server.url, bob);
    b3.send({ type: "call_join", call });
    await a1.next("call", (f) => f.call.id === call && f.call.sockets[bob.id] === socketIdOf(b3));
    a1.send({ type: "call_signal", call, to: bob.id, signal: { kind: "offer", sdp: "v=0 again" } });
    assert.equal((await b3.next("call_signal")).signal.kind, "offer");
    await closeAll([a1, a2, b2, b3, m]);
  });
});

Deno.test("only a friend in the direct room can call: not a stranger, not after a block, and a stranger cannot start a group room's call", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const mallory = await registerUser(server.url, "mallory");
    const room = await friendsWithDm(server.url, alice, bob);
    const group = await createRoom(server.url, alice, [bob]);
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    const m = await openSocket(server.url, mallory);

    const invite = (call: string, where: string) => ({
      type: "call_invite",
      call,
      room: where,
      media: "audio",
    });
    assert.equal((await refused(m, invite("call-stranger", room))).code, "not_member");
    // Nor can a stranger start a group room's call.
    assert.equal((await refused(m, invite("call-group-1", group.id))).code, "not_member");
    assert.equal(
      (await refused(a, { type: "call_invite", room, media: "audio" })).code,
      "bad_frame",
    );
    assert.equal(
      (await refused(a, { ...invite("call-bad-media", room), media: "hologram" })).code,
      "bad_frame",
    );
    const blocked = await api(server.url, bob, "POST", "/api/friends/blocks", {
      username: alice.name,
    });
    assert.equal(blocked.status < 300, true);
    assert.equal((await refused(a, invite("call-blocked", room))).code, "not_allowed");
    assert.equal((await refused(b, invite("call-blocker", room))).code, "not_allowed");
    await flushed(b);
    assert.equal(b.frames.filter((f) => f.type === "call").length, 0);
    await closeAll([a, b, m]);
  });
});

Deno.test("a callee already in a call makes a new call end as busy, and a caller in a call cannot call again", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const ab = await friendsWithDm(server.url, alice, bob);
    const cb = await friendsWithDm(server.url, carol, bob);
    const ac = await friendsWithDm(server.url, alice, carol);
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    const c = await openSocket(server.url, carol);
    a.send({ type: "call_invite", call: "call-busy-ab", room: ab, media: "audio" });
    await callState(b, "call-busy-ab", "ringing");

    c.send({ type: "call_invite", call: "call-busy-cb", room: cb, media: "audio" });
    assert.equal((await callState(c, "call-busy-cb", "ended")).call.reason, "busy");
    const again = { type: "call_invite", call: "call-busy-ac", room: ac, media: "audio" };
    assert.equal((await refused(a, again)).code, "in_call");
    await flushed(b);
    assert.equal(b.frames.some((f) => f.type === "call" && f.call.id === "call-busy-cb"), false);

    // Once bob's call ends, carol gets through.
    a.send({ type: "call_hangup", call: "call-busy-ab" });
    assert.equal((await callState(b, "call-busy-ab", "ended")).call.reason, "cancelled");
    c.send({ type: "call_invite", call: "call-busy-cb2", room: cb, media: "audio" });
    await callState(b, "call-busy-cb2", "ringing");
    await closeAll([a, b, c]);
  });
});

Deno.test("an unanswered call ends as missed after 30 s and logs a missed call", async () => {
  const clock = new FakeClock(Date.now());
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await friendsWithDm(server.url, alice, bob);
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    await b.subscribe(room);
    a.send({ type: "call_invite", call: "call-missed-1", room, media: "audio" });
    await callState(b, "call-missed-1", "ringing");
    clock.advance(29_999);
    await flushed(b);
    assert.equal(b.frames.some((f) => f.type === "call" && f.call.state === "ended"), false);
    clock.advance(1);
    for (const socket of [a, b]) {
      assert.equal((await callState(socket, "call-missed-1", "ended")).call.reason, "missed");
    }
    const missed = await systemEvent(b, room, "call_missed");
    assert.equal(missed.text, `Missed call from ${alice.name}`);
    assert.equal(
      (await refused(b, { type: "call_accept", call: "call-missed-1" })).code,
      "no_such_call",
    );
    await closeAll([a, b]);
  }, { clock, timers: clock });
});

Deno.test("declining stops the ring in every tab, logs it, and the call cannot be answered afterwards", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await friendsWithDm(server.url, alice, bob);
    const a = await openSocket(server.url, alice);
    const [b1, b2] = [await openSocket(server.url, bob), await openSocket(server.url, bob)];
    await a.subscribe(room);
    a.send({ type: "call_invite", call: "call-decline", room, media: "video" });
    await callState(b2, "call-decline", "ringing");
    // The caller cannot answer or decline their own call.
    assert.equal(
      (await refused(a, { type: "call_accept", call: "call-decline" })).code,
      "not_allowed",
    );
    assert.equal(
      (await refused(a, { type: "call_decline", call: "call-decline" })).code,
      "not_allowed",
    );
    b1.send({ type: "call_decline", call: "call-decline" });
    for (const socket of [a, b1, b2]) {
      assert.equal((await callState(socket, "call-decline", "ended")).call.reason, "declined");
    }
    assert.equal(
      (await systemEvent(a, room, "call_declined")).text,
      `Call from ${alice.name} declined`,
    );
    assert.equal(
      (await refused(b2, { type: "call_accept", call: "call-decline" })).code,
      "no_such_call",
    );
    await closeAll([a, b1, b2]);
  });
});

Deno.test("call invites are rate limited per user", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await friendsWithDm(server.url, alice, bob);
    const a = await openSocket(server.url, alice);
    for (let n = 0; n < 5; n++) {
      const call = `call-rate-${n}`;
      a.send({ type: "call_invite", call, room, media: "audio" });
      await callState(a, call, "ringing");
      a.send({ type: "call_hangup", call });
      await callState(a, call, "ended");
    }
    const sixth = await refused(a, {
      type: "call_invite",
      call: "call-rate-5",
      room,
      media: "audio",
    });
    assert.equal(sixth.code, "rate_limited");
    assert.ok((sixth.retryAfterMs ?? 0) > 0);
    await a.close();
  });
});

Deno.test("GET /api/calls/ice mints a TURN credential for the signed-in user that coturn can check", async () => {
  const secret = "a shared turn secret";
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const before = Math.floor(Date.now() / 1000);
    const answer = await api<{
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      expiresAt: number;
    }>(server.url, alice, "GET", "/api/calls/ice");
    const after = Math.floor(Date.now() / 1000);
    assert.equal(answer.status, 200);
    const [stun, turn] = answer.body.iceServers;
    assert.deepEqual(stun, { urls: ["stun:127.0.0.1:3478"] });
    assert.deepEqual(turn!.urls, ["turn:127.0.0.1:3478?transport=udp"]);
    const [expiry, user] = turn!.username!.split(":");
    assert.equal(user, alice.id);
    assert.equal(Number(expiry), answer.body.expiresAt);
    assert.ok(answer.body.expiresAt >= before + 600 && answer.body.expiresAt <= after + 600);
    const expected = createHmac("sha1", secret).update(turn!.username!).digest("base64");
    assert.equal(turn!.credential, expected);
    const anonymous = await fetch(`${server.url}/api/calls/ice`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
  }, {
    config: {
      ice: {
        stunUrls: ["stun:127.0.0.1:3478"],
        turnUrls: ["turn:127.0.0.1:3478?transport=udp"],
        turnSecret: secret,
        turnTtlSeconds: 600,
      },
    },
  });
});

Deno.test("a call between users on two nodes rings, connects, relays and ends across the broker", async () => {
  const kv = await Deno.openKv(":memory:");
  const bus = new MemoryBus();
  const nodes: TestServer[] = [];
  try {
    nodes.push(await startTestServer({ kv, broker: bus.broker() }));
    nodes.push(await startTestServer({ kv, broker: bus.broker() }));
    const [one, two] = nodes as [TestServer, TestServer];
    const alice = await registerUser(one.url, "alice");
    const bob = await registerUser(two.url, "bob");
    const room = await friendsWithDm(one.url, alice, bob);
    const a = await openSocket(one.url, alice);
    const b = await openSocket(two.url, bob);
    assert.notEqual(
      (a.frames[0] as { node: string }).node,
      (b.frames[0] as { node: string }).node,
    );
    await a.subscribe(room);
    a.send({ type: "call_invite", call: "call-nodes-1", room, media: "audio" });
    await callState(b, "call-nodes-1", "ringing");
    b.send({ type: "call_accept", call: "call-nodes-1" });
    await callState(a, "call-nodes-1", "active");
    a.send({
      type: "call_signal",
      call: "call-nodes-1",
      to: bob.id,
      signal: { kind: "offer", sdp: "v=0" },
    });
    assert.equal((await b.next("call_signal")).from, alice.id);
    b.send({ type: "call_hangup", call: "call-nodes-1" });
    assert.equal((await callState(a, "call-nodes-1", "ended")).call.reason, "hangup");
    await systemEvent(a, room, "call_ended");
    await closeAll([a, b]);
  } finally {
    for (const node of nodes) await node.close();
    kv.close();
  }
});
