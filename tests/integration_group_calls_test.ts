/**
 * Integration tests of group call signalling in rooms, and of the reconnect grace of every call:
 * a real server, real sockets, the fake clock for the call's length and the grace. Starting a
 * room's call and every member hearing of it, joining up to the limit, relaying only between
 * participants, leaving, the last one out writing the summary, a kicked member dropped, and a
 * participant whose socket never returns hung up.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RoomCall, ServerFrame } from "../lib/common/protocol.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { readConfig } from "../lib/server/config.ts";
import {
  api,
  createRoom,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { withTestServer } from "./helpers/test_server.ts";
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

/** Registers one user per name, at once. */
async function usersNamed<const T extends readonly string[]>(
  url: string,
  names: T,
): Promise<{ [K in keyof T]: TestUser }> {
  return await Promise.all(names.map((name) => registerUser(url, name))) as {
    [K in keyof T]: TestUser;
  };
}

/** Opens one socket per user, at once. */
async function socketsOf<const T extends readonly TestUser[]>(
  url: string,
  users: T,
): Promise<{ [K in keyof T]: TestSocket }> {
  return await Promise.all(users.map((user) => openSocket(url, user))) as {
    [K in keyof T]: TestSocket;
  };
}

/**
 * Waits for the `room_call` frame of `room` whose participants are `participants` (or none), in
 * any order: members who join together may be taken in either order.
 */
function roomCallWith(socket: TestSocket, room: string, participants: string[] | null) {
  const sorted = (ids: string[] | null | undefined) => JSON.stringify(ids ? [...ids].sort() : null);
  return socket.next(
    "room_call",
    (f) => f.room === room && sorted(f.call?.participants) === sorted(participants),
  );
}

/** Waits until the server has set a timer of `ms` on the fake clock (a grace timer). */
async function timerSet(clock: FakeClock, ms: number): Promise<void> {
  for (let tries = 0; !clock.pending.includes(ms); tries++) {
    if (tries > 1_000) throw new Error(`no timer of ${ms} ms was set`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function callsOf(socket: TestSocket, call: string): Extract<ServerFrame, { type: "call" }>[] {
  return socket.frames.filter((f): f is Extract<ServerFrame, { type: "call" }> =>
    f.type === "call" && f.call.id === call
  );
}

/** A minimal SDP offer from the sender to participant `to`. */
const offer = (call: string, to: string) => ({
  type: "call_signal" as const,
  call,
  to,
  signal: { kind: "offer" as const, sdp: "v=0" },
});

Deno.test("a member starts a room's call, every member hears of it, others join up to the limit and the next is refused as full", async () => {
  const config = { calls: { ...readConfig({}).calls, maxParticipants: 3 } };
  await withTestServer(async (server) => {
    const [alice, bob, carol, dave, mallory] = await usersNamed(server.url, [
      "alice",
      "bob",
      "carol",
      "dave",
      "mallory",
    ]);
    const room = (await createRoom(server.url, alice, [bob, carol, dave])).id;
    const [a, b, c, d, m] = await socketsOf(server.url, [alice, bob, carol, dave, mallory]);
    // Tabs showing the room are subscribed to it; dave's is not open on it.
    await Promise.all([a, b, c].map((socket) => socket.subscribe(room)));
    const call = "group-call-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    const started = await callState(a, call, "active");
    assert.equal(started.call.group, true);
    assert.deepEqual(started.call.participants, [alice.id]);
    // Every tab showing the room hears of it; a stranger does not.
    for (const socket of [a, b, c]) await roomCallWith(socket, room, [alice.id]);
    await flushed(m);
    assert.equal(m.frames.some((f) => f.type === "room_call"), false);
    // A tab opening the room later asks; a stranger is told there is no such room.
    const late = await api<{ call: RoomCall | null }>(
      server.url,
      dave,
      "GET",
      `/api/calls/rooms/${room}`,
    );
    assert.equal(late.status, 200);
    assert.deepEqual(late.body.call?.participants, [alice.id]);
    assert.equal(late.body.call?.max, 3);
    const peek = await api(server.url, mallory, "GET", `/api/calls/rooms/${room}`);
    assert.equal(peek.status, 404);

    // A second call in the same room is refused: join the one under way.
    assert.equal(
      (await refused(b, { type: "call_invite", call: "group-call-2", room, media: "audio" })).code,
      "not_allowed",
    );
    assert.equal((await refused(m, { type: "call_join", call })).code, "not_member");

    b.send({ type: "call_join", call });
    await roomCallWith(c, room, [alice.id, bob.id]);
    c.send({ type: "call_join", call });
    const full = await a.next(
      "call",
      (f) => f.call.id === call && f.call.participants.length === 3,
    );
    assert.equal(full.call.sockets[carol.id], socketIdOf(c));
    await roomCallWith(c, room, [alice.id, bob.id, carol.id]);

    const refusal = await refused(d, { type: "call_join", call });
    assert.equal(refusal.code, "call_full");
    assert.equal(refusal.message, "this call is full (3 people)");
    // Refused: nothing changed, and dave is free to be called.
    const now = await api<{ call: RoomCall | null }>(
      server.url,
      dave,
      "GET",
      `/api/calls/rooms/${room}`,
    );
    assert.deepEqual(now.body.call?.participants, [alice.id, bob.id, carol.id]);
    assert.equal(callsOf(d, call).length, 0);
    await closeAll([a, b, c, d, m]);
  }, { config });
});

Deno.test("a group call's SDP and candidates reach only the addressed participant's socket", async () => {
  await withTestServer(async (server) => {
    const [alice, bob, carol] = await usersNamed(server.url, ["alice", "bob", "carol"]);
    const room = (await createRoom(server.url, alice, [bob, carol])).id;
    const [a, b, c] = await socketsOf(server.url, [alice, bob, carol]);
    const b2 = await openSocket(server.url, bob);
    await c.subscribe(room);
    const call = "group-relay-1";
    a.send({ type: "call_invite", call, room, media: "video" });
    await callState(a, call, "active");
    b.send({ type: "call_join", call });
    await roomCallWith(c, room, [alice.id, bob.id]);

    // The newcomer offers to each one already there, addressed per peer.
    b.send(offer(call, alice.id));
    const got = await a.next("call_signal", (f) => f.call === call);
    assert.equal(got.from, bob.id);
    assert.deepEqual(got.signal, { kind: "offer", sdp: "v=0" });

    // A member outside the call can neither send into it nor be sent to.
    assert.equal((await refused(c, offer(call, alice.id))).code, "no_such_call");
    assert.equal((await refused(a, offer(call, carol.id))).code, "not_allowed");
    // Bob's other tab does not carry the call: it cannot signal either.
    assert.equal((await refused(b2, offer(call, alice.id))).code, "no_such_call");
    await Promise.all([a, b, b2, c].map(flushed));
    assert.equal(signals(c).length, 0);
    assert.equal(signals(b2).length, 0);
    assert.equal(signals(b).length, 0);
    assert.equal(signals(a).length, 1);
    await closeAll([a, b, b2, c]);
  });
});

Deno.test("participants leave a group call at will, and the last one out ends it and logs its length", async () => {
  const clock = new FakeClock(Date.now());
  await withTestServer(async (server) => {
    const [alice, bob, carol] = await usersNamed(server.url, ["alice", "bob", "carol"]);
    const room = (await createRoom(server.url, alice, [bob, carol])).id;
    const [a, b, c] = await socketsOf(server.url, [alice, bob, carol]);
    await c.subscribe(room);
    const call = "group-leave-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    await callState(a, call, "active");
    b.send({ type: "call_join", call });
    await roomCallWith(c, room, [alice.id, bob.id]);

    clock.advance(300_000);
    a.send({ type: "call_hangup", call });
    // Alice is out, the call goes on for bob, and the room sees one person in it.
    assert.equal((await callState(a, call, "ended")).call.reason, "hangup");
    const left = await b.next(
      "call",
      (f) => f.call.id === call && f.call.participants.length === 1,
    );
    assert.equal(left.call.state, "active");
    assert.deepEqual(left.call.participants, [bob.id]);
    await roomCallWith(c, room, [bob.id]);
    // Alice may join again, and leave again.
    assert.equal((await refused(a, offer(call, bob.id))).code, "no_such_call");
    a.send({ type: "call_join", call });
    await roomCallWith(c, room, [bob.id, alice.id]);
    a.send({ type: "call_hangup", call });
    await roomCallWith(c, room, [bob.id]);

    clock.advance(420_000);
    b.send({ type: "call_hangup", call });
    await callState(b, call, "ended");
    await roomCallWith(c, room, null);
    const summary = await systemEvent(c, room, "group_call_ended");
    assert.deepEqual(summary.event, {
      type: "group_call_ended",
      by: alice.name,
      duration: "12:00",
    });
    assert.equal(summary.text, "Group call, 12:00");
    const after = await api<{ call: RoomCall | null }>(
      server.url,
      carol,
      "GET",
      `/api/calls/rooms/${room}`,
    );
    assert.equal(after.body.call, null);
    // Over: a new one may start.
    c.send({ type: "call_invite", call: "group-leave-2", room, media: "audio" });
    await callState(c, "group-leave-2", "active");
    await closeAll([a, b, c]);
  }, { clock, timers: clock });
});

Deno.test("a member kicked from the room is dropped from its call and cannot join it again", async () => {
  await withTestServer(async (server) => {
    const [alice, bob, carol] = await usersNamed(server.url, ["alice", "bob", "carol"]);
    const room = (await createRoom(server.url, alice, [bob, carol])).id;
    const [a, b, c] = await socketsOf(server.url, [alice, bob, carol]);
    await a.subscribe(room);
    const call = "group-kick-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    await callState(a, call, "active");
    b.send({ type: "call_join", call });
    c.send({ type: "call_join", call });
    await roomCallWith(a, room, [alice.id, bob.id, carol.id]);

    const kicked = await api(
      server.url,
      alice,
      "POST",
      `/api/rooms/${room}/members/${bob.id}/kick`,
    );
    assert.equal(kicked.status, 204);
    assert.equal((await callState(b, call, "ended")).call.reason, "hangup");
    await roomCallWith(a, room, [alice.id, carol.id]);
    const rest = await c.next(
      "call",
      (f) => f.call.id === call && f.call.participants.length === 2,
    );
    assert.equal(rest.call.sockets[bob.id], undefined);
    // Out of the room, out of the call: no joining, no signalling.
    assert.equal((await refused(b, { type: "call_join", call })).code, "not_member");
    assert.equal((await refused(b, offer(call, alice.id))).code, "no_such_call");

    // Leaving the room on one's own drops one from the call too.
    const gone = await api(server.url, carol, "POST", `/api/rooms/${room}/leave`);
    assert.equal(gone.status, 204);
    await roomCallWith(a, room, [alice.id]);
    await closeAll([a, b, c]);
  });
});

Deno.test("a one-to-one call whose peer's socket never returns ends after the reconnect grace and logs its length", async () => {
  const clock = new FakeClock(Date.now());
  const grace = 7_000;
  const config = { calls: { ...readConfig({}).calls, reconnectGraceMs: grace } };
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await friendsWithDm(server.url, alice, bob);
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    await a.subscribe(room);
    const call = "grace-one-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    await callState(b, call, "ringing");
    b.send({ type: "call_accept", call });
    await callState(a, call, "active");
    clock.advance(60_000);

    await b.close();
    await timerSet(clock, grace);
    clock.advance(grace - 1);
    await flushed(a);
    assert.equal(callsOf(a, call).some((f) => f.call.state === "ended"), false);
    clock.advance(1);
    assert.equal((await callState(a, call, "ended")).call.reason, "hangup");
    const summary = await systemEvent(a, room, "call_ended");
    assert.equal(summary.text, "Call, 1:07");
    // Neither is busy any more.
    const b2 = await openSocket(server.url, bob);
    b2.send({ type: "call_invite", call: "grace-one-2", room, media: "audio" });
    await callState(a, "grace-one-2", "ringing");
    await closeAll([a, b2]);
  }, { clock, timers: clock, config });
});

Deno.test("a group participant who comes back within the grace stays in the call, and one who never does is dropped", async () => {
  const clock = new FakeClock(Date.now());
  const grace = 7_000;
  const config = { calls: { ...readConfig({}).calls, reconnectGraceMs: grace } };
  await withTestServer(async (server) => {
    const [alice, bob] = await usersNamed(server.url, ["alice", "bob"]);
    const room = (await createRoom(server.url, alice, [bob])).id;
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    await a.subscribe(room);
    const call = "grace-group-1";
    a.send({ type: "call_invite", call, room, media: "audio" });
    await callState(a, call, "active");
    b.send({ type: "call_join", call });
    await roomCallWith(a, room, [alice.id, bob.id]);

    // Bob's socket drops and a new one carries the call again within the grace.
    await b.close();
    await timerSet(clock, grace);
    const b2 = await openSocket(server.url, bob);
    await b2.subscribe(room);
    b2.send({ type: "call_join", call });
    const back = await a.next("call", (f) => f.call.sockets[bob.id] === socketIdOf(b2));
    assert.deepEqual(back.call.participants, [alice.id, bob.id]);
    const seen = callsOf(a, call).length;
    clock.advance(grace);
    await flushed(a);
    assert.deepEqual(callsOf(a, call).slice(seen), [], "bob came back: he stays in the call");

    // Alice's socket drops for good: bob is left alone in the call after the grace.
    await a.close();
    await timerSet(clock, grace);
    clock.advance(grace);
    const alone = await b2.next("call", (f) => f.call.participants.length === 1);
    assert.deepEqual(alone.call.participants, [bob.id]);
    await roomCallWith(b2, room, [bob.id]);
    await closeAll([b2]);
  }, { clock, timers: clock, config });
});
