/**
 * Integration tests of presence ("see who is online"): real servers, real KV, real WebSockets.
 * Friends are told live when a user comes online and (after the offline delay) goes offline,
 * and `GET /api/friends` says who is online; blocked users and strangers learn nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FriendLists, UserEvent } from "../lib/common/api_types.ts";
import {
  api,
  befriend,
  openSocket,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { type ServerProcess, withRedisPair, withServerPair } from "./helpers/server_process.ts";
import { startTestServer } from "./helpers/test_server.ts";
import { keys } from "../lib/kv/kv_keys.ts";

type PresenceEvent = Extract<UserEvent, { kind: "presence" }>;

/** Waits for the presence notice about `user` saying `online`. */
async function presence(socket: TestSocket, user: TestUser, online: boolean): Promise<void> {
  await socket.next(
    "user_event",
    (frame) =>
      frame.event.kind === "presence" && frame.event.user === user.id &&
      frame.event.online === online,
  );
}

/** Every presence notice the socket has received, after a ping round trip flushed the rest. */
async function presenceSeen(socket: TestSocket): Promise<PresenceEvent[]> {
  const ref = crypto.randomUUID();
  socket.send({ type: "ping", ref });
  await socket.next("pong", (frame) => frame.ref === ref);
  return socket.frames.flatMap((frame) =>
    frame.type === "user_event" && frame.event.kind === "presence" ? [frame.event] : []
  );
}

async function friendsOf(url: string, user: TestUser): Promise<FriendLists["friends"]> {
  return (await api<FriendLists>(url, user, "GET", "/api/friends")).body.friends;
}

Deno.test("a friend sees a user come online and go offline live, and GET /api/friends says online", async () => {
  const server = await startTestServer();
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const watcher = await openSocket(server.url, bob);
    sockets.push(watcher);
    assert.deepEqual((await friendsOf(server.url, bob)).map((f) => [f.name, f.online]), [
      [alice.name, false],
    ]);

    const tabs = [await openSocket(server.url, alice), await openSocket(server.url, alice)];
    sockets.push(...tabs);
    await presence(watcher, alice, true);
    assert.deepEqual((await friendsOf(server.url, bob)).map((f) => [f.name, f.online]), [
      [alice.name, true],
    ]);
    assert.deepEqual((await friendsOf(server.url, alice)).map((f) => [f.name, f.online]), [
      [bob.name, true],
    ]);

    await tabs[0]!.close();
    await tabs[1]!.close();
    await presence(watcher, alice, false);
    assert.deepEqual(
      (await presenceSeen(watcher)).map((event) => event.online),
      [true, false],
      "one notice per change, not per socket",
    );
    assert.deepEqual((await friendsOf(server.url, bob)).map((f) => f.online), [false]);
  } finally {
    for (const socket of sockets) await socket.close();
    await server.close();
  }
});

Deno.test("a user who blocked you, and a stranger, send you no presence: only friends hear it, and the blocked user sees no online friend", async () => {
  const server = await startTestServer();
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const dave = await registerUser(server.url, "dave");
    await befriend(server.url, alice, bob);
    await befriend(server.url, alice, carol);
    assert.equal(
      (await api(server.url, alice, "POST", "/api/friends/blocks", { username: bob.name }))
        .status,
      204,
    );
    const [blocked, friend, stranger] = [
      await openSocket(server.url, bob),
      await openSocket(server.url, carol),
      await openSocket(server.url, dave),
    ];
    sockets.push(blocked, friend, stranger);

    const aliceSocket = await openSocket(server.url, alice);
    sockets.push(aliceSocket);
    await presence(friend, alice, true);
    assert.deepEqual(await friendsOf(server.url, bob), [], "alice is not bob's friend any more");
    await aliceSocket.close();
    await presence(friend, alice, false);

    assert.deepEqual(await presenceSeen(blocked), []);
    assert.deepEqual(await presenceSeen(stranger), []);
    assert.deepEqual(
      (await presenceSeen(friend)).map((event) => [event.user, event.online]),
      [[alice.id, true], [alice.id, false]],
    );
  } finally {
    for (const socket of sockets) await socket.close();
    await server.close();
  }
});

Deno.test('"came online" reaches the friends a user has when connecting: one made while they were offline hears it, one removed does not, and an account from before the friend digest gets it built by its first connect', async () => {
  const server = await startTestServer();
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    await befriend(server.url, alice, bob);
    // Alice's account is from before the digest: only her `friend` entries say who her friends are.
    await server.kv.delete(keys.friendDigest(alice.id));
    const [bobSocket, carolSocket] = [
      await openSocket(server.url, bob),
      await openSocket(server.url, carol),
    ];
    sockets.push(bobSocket, carolSocket);

    const first = await openSocket(server.url, alice);
    await presence(bobSocket, alice, true);
    assert.deepEqual((await server.kv.get(keys.friendDigest(alice.id))).value, [bob.id]);
    await first.close();
    await presence(bobSocket, alice, false);

    assert.equal((await api(server.url, alice, "DELETE", `/api/friends/${bob.name}`)).status, 204);
    await befriend(server.url, carol, alice);
    const second = await openSocket(server.url, alice);
    sockets.push(second);
    await presence(carolSocket, alice, true);
    assert.deepEqual(
      (await presenceSeen(bobSocket)).map((event) => [event.user, event.online]),
      [[alice.id, true], [alice.id, false]],
      "bob, no longer a friend, is not told",
    );
    assert.deepEqual(
      (await presenceSeen(carolSocket)).map((event) => [event.user, event.online]),
      [[alice.id, true]],
    );
  } finally {
    for (const socket of sockets) await socket.close();
    await server.close();
  }
});

/** Alice on `a`, her friend Bob on `b`: Bob sees her come online and go, live and in the list. */
async function presenceAcrossProcesses(a: ServerProcess, b: ServerProcess): Promise<void> {
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(a.url, "alice");
    const bob = await registerUser(b.url, "bob");
    await befriend(a.url, alice, bob);
    const onB = await openSocket(b.url, bob);
    sockets.push(onB);

    const onA = await openSocket(a.url, alice);
    sockets.push(onA);
    await presence(onB, alice, true);
    assert.deepEqual((await friendsOf(b.url, bob)).map((f) => f.online), [true]);
    await onA.close();
    await presence(onB, alice, false);
    assert.deepEqual((await friendsOf(b.url, bob)).map((f) => f.online), [false]);
  } finally {
    for (const socket of sockets) await socket.close();
  }
}

Deno.test("a user connected to one server process is shown online to a friend on another, live and in GET /api/friends", () =>
  withRedisPair({}, presenceAcrossProcesses));

Deno.test("with BROKER=kv-poll and no Redis, a friend on another server process sees a user come online and go, live and in GET /api/friends", () =>
  withServerPair({ BROKER: "kv-poll" }, presenceAcrossProcesses));
