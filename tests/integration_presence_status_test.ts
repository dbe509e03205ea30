/**
 * Integration tests of presence, finished: away over every tab, "last seen" (and hiding it),
 * expiry of a silent node's entries by the injected clock, and who may see any of it (friends
 * and co-members, never strangers). Real server, real KV, real WebSockets.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FriendLists, PresenceView, RoomDetails, UserEvent } from "../lib/common/api_types.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { TTL_INTERVALS } from "../lib/realtime/presence/presence_tracker.ts";
import {
  api,
  befriend,
  createRoom,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

type PresenceEvent = Extract<UserEvent, { kind: "presence" }>;

async function told(socket: TestSocket, user: TestUser, status: string): Promise<PresenceEvent> {
  const frame = await socket.next(
    "user_event",
    (f) =>
      f.event.kind === "presence" && f.event.user === user.id &&
      f.event.presence?.status === status,
  );
  return frame.event as PresenceEvent;
}

async function asFriend(server: TestServer, viewer: TestUser, user: TestUser) {
  const lists = await api<FriendLists>(server.url, viewer, "GET", "/api/friends");
  return lists.body.friends.find((friend) => friend.id === user.id)?.presence;
}

async function asCoMember(server: TestServer, viewer: TestUser, room: string, user: TestUser) {
  const details = await api<RoomDetails>(server.url, viewer, "GET", `/api/rooms/${room}/members`);
  if (details.status !== 200) return details.status;
  return details.body.members.find((member) => member.user.id === user.id)?.presence;
}

/** alice; bob her friend; carol in a room with her; dave a stranger with a socket open. */
async function cast(server: TestServer) {
  const alice = await registerUser(server.url, "alice");
  const bob = await registerUser(server.url, "bob");
  const carol = await registerUser(server.url, "carol");
  const dave = await registerUser(server.url, "dave");
  await befriend(server.url, alice, bob);
  const room = (await createRoom(server.url, alice, [carol], "studio")).id;
  return { alice, bob, carol, dave, room };
}

Deno.test("a user is away only when every tab is, and friends and co-members (only) see it", async () => {
  await withTestServer(async (server) => {
    const { alice, bob, carol, dave, room } = await cast(server);
    const [watcher, stranger] = [
      await openSocket(server.url, bob),
      await openSocket(server.url, dave),
    ];
    const tabs = [await openSocket(server.url, alice), await openSocket(server.url, alice)];
    try {
      await told(watcher, alice, "online");
      tabs[0]!.send({ type: "presence", away: true });
      await told(watcher, alice, "online");
      assert.deepEqual(
        await asFriend(server, bob, alice),
        { status: "online" },
        "one tab is active",
      );
      tabs[1]!.send({ type: "presence", away: true });
      await told(watcher, alice, "away");
      assert.deepEqual(await asFriend(server, bob, alice), { status: "away" });
      assert.deepEqual(await asCoMember(server, carol, room, alice), { status: "away" });
      assert.equal(await asCoMember(server, dave, room, alice), 404, "a stranger reads no members");
      tabs[1]!.send({ type: "presence", away: false });
      await told(watcher, alice, "online");

      const ref = crypto.randomUUID();
      stranger.send({ type: "ping", ref });
      await stranger.next("pong", (f) => f.ref === ref);
      const leaked = stranger.frames.filter((f) =>
        f.type === "user_event" && f.event.kind === "presence" && f.event.user === alice.id
      );
      assert.deepEqual(leaked, [], "a stranger is told nothing");
    } finally {
      for (const socket of [watcher, stranger, ...tabs]) await socket.close();
    }
  });
});

Deno.test("an offline user shows when they were last seen, unless they hid it", async () => {
  const clock = new FakeClock(1_700_000_000_000);
  await withTestServer(async (server) => {
    const { alice, bob, carol, room } = await cast(server);
    const watcher = await openSocket(server.url, bob);
    try {
      const tab = await openSocket(server.url, alice);
      await told(watcher, alice, "online");
      // The clock stands still (moving it would make the heartbeat drop the silent sockets):
      // "last seen" is its time when the last socket's offline delay ended.
      const leftAt = clock.now();
      await tab.close();
      const offline = await told(watcher, alice, "offline");
      assert.deepEqual(offline.presence, { status: "offline", lastSeen: leftAt });
      assert.deepEqual(await asFriend(server, bob, alice), { status: "offline", lastSeen: leftAt });
      const seen: PresenceView = { status: "offline", lastSeen: leftAt };
      assert.deepEqual(await asCoMember(server, carol, room, alice), seen);

      const hidden = await api(server.url, alice, "PATCH", "/api/me/profile", {
        hideLastSeen: true,
      });
      assert.equal(hidden.status, 200);
      assert.deepEqual(await asFriend(server, bob, alice), { status: "offline" });
      assert.deepEqual(await asCoMember(server, carol, room, alice), { status: "offline" });
      await api(server.url, alice, "PATCH", "/api/me/profile", { hideLastSeen: false });
      assert.deepEqual(await asFriend(server, bob, alice), seen);
    } finally {
      await watcher.close();
    }
  }, { clock });
});

Deno.test("a node that stops renewing its entries counts as offline once they expire by the clock", async () => {
  const clock = new FakeClock(1_700_000_000_000);
  const heartbeatMs = 600_000;
  await withTestServer(async (server) => {
    const { alice, bob } = await cast(server);
    const watcher = await openSocket(server.url, bob);
    const tab = await openSocket(server.url, alice);
    try {
      await told(watcher, alice, "online");
      assert.deepEqual(await asFriend(server, bob, alice), { status: "online" });
      // The socket is still open, but no renewal runs: the entry's lifetime ends by the clock.
      clock.advance(heartbeatMs * TTL_INTERVALS + 1);
      assert.deepEqual(await asFriend(server, bob, alice), { status: "offline" });
    } finally {
      await tab.close();
      await watcher.close();
    }
  }, { clock, config: { heartbeatMs } });
});
