/**
 * Integration tests of direct conversations: only between friends, one room per pair even
 * when both open it at once, not joinable or readable by anyone else, and read-only once the
 * friendship ends.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DirectRoom, RoomLists } from "../lib/common/api_types.ts";
import { api, befriend, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { subscribeAll } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

async function openDm(server: TestServer, user: TestUser, other: TestUser) {
  return await api<{ room: DirectRoom; error?: string }>(server.url, user, "POST", "/api/dms", {
    username: other.name,
  });
}

Deno.test("both friends opening their conversation at the same moment get one room with both members", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const [a, b] = await Promise.all([openDm(server, alice, bob), openDm(server, bob, alice)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(a.body.room.id, b.body.room.id);
    assert.match(a.body.room.id, /^dm_[A-Za-z0-9_-]{43}$/);
    assert.equal(a.body.room.peer.id, bob.id);
    assert.equal(b.body.room.peer.id, alice.id);
    for (const user of [alice, bob]) {
      const dms = await api<{ dms: DirectRoom[] }>(server.url, user, "GET", "/api/dms");
      assert.deepEqual(dms.body.dms.map((dm) => dm.id), [a.body.room.id]);
    }
  });
});

Deno.test("opening a conversation shows it live to the other user, and messages flow both ways", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const b = await openSocket(server.url, bob);
    const opened = await openDm(server, alice, bob);
    const notice = await b.next("user_event", (f) => f.event.kind === "dm_opened");
    assert.ok(notice.event.kind === "dm_opened");
    assert.equal(notice.event.dm.id, opened.body.room.id);
    assert.equal(notice.event.dm.peer.id, alice.id);

    const room = opened.body.room.id;
    const a = await openSocket(server.url, alice);
    await subscribeAll([a, b], room);
    a.send({ type: "send", room, clientId: "dm-hello-1", text: "hi bob" });
    const seen = await b.next("message", (f) => f.room === room);
    assert.equal(seen.text, "hi bob");
    b.send({ type: "send", room, clientId: "dm-reply-1", text: "hi alice" });
    await a.next("message", (f) => f.room === room && f.seq === 2);
    await a.close();
    await b.close();
  });
});

Deno.test("a conversation is refused with one answer for a non-friend, an unknown user, a blocker and oneself", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const stranger = await registerUser(server.url, "stranger");
    const blocker = await registerUser(server.url, "blocker");
    await befriend(server.url, alice, blocker);
    await api(server.url, blocker, "POST", "/api/friends/blocks", { username: alice.name });
    const answers = [
      await openDm(server, alice, stranger),
      await openDm(server, alice, { ...stranger, name: "no-such-user" }),
      await openDm(server, alice, blocker),
      await openDm(server, blocker, alice),
      await openDm(server, alice, alice),
    ];
    for (const answer of answers) assert.deepEqual(answer, answers[0]);
    assert.equal(answers[0]!.status, 403);
    const dms = await api<{ dms: DirectRoom[] }>(server.url, alice, "GET", "/api/dms");
    assert.deepEqual(dms.body.dms, []);
  });
});

Deno.test("a third user cannot join, subscribe to, read or post in someone else's conversation, nor see it listed", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const eve = await registerUser(server.url, "eve");
    await befriend(server.url, alice, bob);
    const room = (await openDm(server, alice, bob)).body.room.id;
    const a = await openSocket(server.url, alice);
    a.send({ type: "send", room, clientId: "secret-0001", text: "secret" });
    await a.next("ack");

    const join = await api(server.url, eve, "POST", `/api/rooms/${room}/join`);
    const joinMissing = await api(server.url, eve, "POST", `/api/rooms/dm_nope/join`);
    assert.equal(join.status, 404);
    assert.deepEqual(join, joinMissing);
    const listed = await api<RoomLists>(server.url, eve, "GET", "/api/rooms");
    assert.equal(JSON.stringify(listed.body).includes(room), false);
    const mine = await api<RoomLists>(server.url, alice, "GET", "/api/rooms");
    assert.equal(JSON.stringify(mine.body).includes(room), false, "not in Your rooms or Discover");

    const e = await openSocket(server.url, eve);
    e.send({ type: "subscribe", room, ref: "sub" });
    e.send({ type: "history", room, ref: "hist" });
    e.send({ type: "send", room, clientId: "intrude-01", text: "hi", ref: "send" });
    e.send({ type: "typing", room, ref: "type" });
    for (const ref of ["sub", "hist", "send", "type"]) {
      const error = await e.next("error", (f) => f.ref === ref);
      assert.equal(error.code, "not_member");
    }
    assert.equal(e.frames.some((f) => f.type === "message" || f.type === "history"), false);
    a.send({ type: "history", room, ref: "h" });
    const history = await a.next("history", (f) => f.ref === "h");
    assert.deepEqual(history.messages.map((m) => m.text), ["secret"]);
    const leave = await api(server.url, alice, "POST", `/api/rooms/${room}/leave`);
    assert.equal(leave.status, 400);
    await a.close();
    await e.close();
  });
});

Deno.test("after a block the conversation stays readable but every send is refused on both sides", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const room = (await openDm(server, alice, bob)).body.room.id;
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    a.send({ type: "send", room, clientId: "before-0001", text: "before" });
    await a.next("ack");
    await api(server.url, bob, "POST", "/api/friends/blocks", { username: alice.name });

    for (const [socket, id] of [[a, "after-a-001"], [b, "after-b-001"]] as const) {
      socket.send({ type: "send", room, clientId: id, text: "after", ref: id });
      const error = await socket.next("error", (f) => f.ref === id);
      assert.equal(error.code, "not_member");
      socket.send({ type: "history", room, ref: `h-${id}` });
      const history = await socket.next("history", (f) => f.ref === `h-${id}`);
      assert.deepEqual(history.messages.map((m) => m.text), ["before"]);
    }
    await a.close();
    await b.close();
  });
});
