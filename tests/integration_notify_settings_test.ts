/**
 * Integration tests of the notification levels API (`/api/me/notifications`) on a real server
 * and KV: a level is kept per user and conversation, comes with the chat page (so every device
 * of the user starts with it), goes back to the default with null, and is refused, changing
 * nothing, for a room the user is not in or a level that does not exist. The list is dated by
 * its latest change, a return to the default included, so a reconnecting page orders it
 * against the `notify_level` events.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NotifyLevel } from "../lib/common/notify_level.ts";
import {
  api,
  createRoom,
  openSocket,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { withTestServer } from "./helpers/test_server.ts";

import type { NotifyLevelList } from "../lib/common/api_types.ts";

async function levelsOf(url: string, user: TestUser): Promise<Record<string, NotifyLevel>> {
  return (await listOf(url, user)).levels;
}

async function listOf(url: string, user: TestUser): Promise<NotifyLevelList> {
  const answer = await api<NotifyLevelList>(url, user, "GET", "/api/me/notifications");
  assert.equal(answer.status, 200);
  return answer.body;
}

/** The list of levels the chat page hands its island, as a freshly opened device gets it. */
async function pageList(url: string, user: TestUser): Promise<NotifyLevelList> {
  const html = await (await fetch(url, { headers: { cookie: user.cookie } })).text();
  const json = html.match(/<script[^>]*data-island-props[^>]*>(.*?)<\/script>/s)?.[1];
  assert.ok(json, "the page has island props");
  return JSON.parse(json).notifyLevels;
}

Deno.test("a notification level is kept per user and conversation, comes with the page and resets with null", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const room = await createRoom(url, alice, [bob]);
    assert.deepEqual(await levelsOf(url, alice), {});

    const set = await api<{ version: string }>(
      url,
      alice,
      "PUT",
      `/api/me/notifications/${room.id}`,
      { level: "all" },
    );
    assert.deepEqual(set, {
      status: 200,
      body: { room: room.id, level: "all", version: set.body.version },
    });
    assert.match(set.body.version, /^[0-9a-f]{20}$/, "a KV versionstamp");
    const bobSet = await api(url, bob, "PUT", `/api/me/notifications/${room.id}`, {
      level: "none",
    });
    assert.equal(bobSet.status, 200);
    assert.deepEqual(await levelsOf(url, alice), { [room.id]: "all" });
    assert.deepEqual(await levelsOf(url, bob), { [room.id]: "none" });
    assert.deepEqual((await pageList(url, alice)).levels, { [room.id]: "all" });

    const reset = await api(url, alice, "PUT", `/api/me/notifications/${room.id}`, { level: null });
    assert.equal(reset.status, 200);
    assert.deepEqual(await levelsOf(url, alice), {});
    assert.deepEqual(await levelsOf(url, bob), { [room.id]: "none" }, "bob's own choice stays");
  });
});

Deno.test("a notification level is refused outside one's rooms, for an unknown level and without a session, changing nothing", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const carol = await registerUser(url, "carol");
    const room = await createRoom(url, alice);
    await api(url, alice, "PUT", `/api/me/notifications/${room.id}`, { level: "none" });

    for (const id of [room.id, "no-such-room"]) {
      const refused = await api<{ error: string }>(
        url,
        carol,
        "PUT",
        `/api/me/notifications/${id}`,
        {
          level: "all",
        },
      );
      assert.deepEqual([refused.status, refused.body.error], [404, "No such room"], id);
    }
    const unknown = await api<{ code: string }>(
      url,
      alice,
      "PUT",
      `/api/me/notifications/${room.id}`,
      {
        level: "loud",
      },
    );
    assert.deepEqual([unknown.status, unknown.body.code], [400, "refusal.invalidBody"]);
    const anonymous = await fetch(`${url}/api/me/notifications`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();

    assert.deepEqual(await levelsOf(url, alice), { [room.id]: "none" });
    assert.deepEqual(await levelsOf(url, carol), {});
  });
});

Deno.test("a notification level chosen on one device reaches the user's other devices at once, and no one else's, with the version of its answer", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const room = await createRoom(url, alice, [bob]);
    const otherDevice = await openSocket(url, alice);
    const bobSocket = await openSocket(url, bob);
    const choose = async (level: NotifyLevel | null) => {
      const path = `/api/me/notifications/${room.id}`;
      return (await api<{ version: string }>(url, alice, "PUT", path, { level })).body.version;
    };
    try {
      const muted = await choose("none");
      const told = await otherDevice.next(
        "user_event",
        (frame) => frame.event.kind === "notify_level",
      );
      assert.deepEqual(told.event, {
        kind: "notify_level",
        roomId: room.id,
        level: "none",
        version: muted,
      });
      const back = await choose(null);
      const reset = await otherDevice.next(
        "user_event",
        (frame) => frame.event.kind === "notify_level" && frame.event.level === null,
      );
      assert.deepEqual(reset.event, {
        kind: "notify_level",
        roomId: room.id,
        level: null,
        version: back,
      });
      // The page keeps the newer of an answer and an event by this order.
      assert.ok(back > muted, `${back} orders after ${muted}`);
      // Bob's socket is told of its own choices only: a ping answered proves it is drained.
      bobSocket.send({ type: "ping", ref: "drained" });
      await bobSocket.next("pong");
      assert.equal(
        bobSocket.frames.some((f) => f.type === "user_event" && f.event.kind === "notify_level"),
        false,
      );
    } finally {
      await otherDevice.close();
      await bobSocket.close();
    }
  });
});

Deno.test("the list of levels carries the version of its latest change, a return to the default included", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const [room, other] = [await createRoom(url, alice), await createRoom(url, alice)];
    const choose = async (id: string, level: NotifyLevel | null) =>
      (await api<{ version: string }>(url, alice, "PUT", `/api/me/notifications/${id}`, { level }))
        .body.version;
    // Her two memberships set the mark that dates the list (`rooms_mark`, which dates her
    // conversation list too); bob, in no room, has none yet.
    const start = await listOf(url, alice);
    assert.deepEqual(start.levels, {});
    assert.ok(start.version > "", "her memberships date the list");

    const muted = await choose(room.id, "none");
    assert.ok(muted > start.version);
    assert.deepEqual(await listOf(url, alice), { levels: { [room.id]: "none" }, version: muted });
    const cleared = await choose(room.id, null);
    assert.deepEqual(await listOf(url, alice), { levels: {}, version: cleared });
    assert.ok(cleared > muted, "the deletion dates the list, though it left no entry");
    const loud = await choose(other.id, "all");
    const list = { levels: { [other.id]: "all" }, version: loud } as const;
    assert.deepEqual(await listOf(url, alice), list);
    assert.deepEqual(await pageList(url, alice), list, "the page starts with the same");
    assert.deepEqual(await listOf(url, bob), { levels: {}, version: "" }, "bob's is his own");
  });
});

Deno.test("a socket's welcome carries the version of the user's levels as the page's list dates it (lists.rooms), with or without the user hint cookie", async () => {
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    const bob = await registerUser(url, "bob");
    const room = await createRoom(url, alice, [bob]);
    const welcomeOf = async (user: TestUser) => {
      const socket = new TestSocket(url, user);
      try {
        return (await socket.next("welcome")).lists.rooms;
      } finally {
        await socket.close();
      }
    };
    // The room's memberships set the mark before any level change.
    const start = await pageList(url, alice);
    assert.deepEqual(start.levels, {});
    assert.equal(await welcomeOf(alice), start.version);

    const path = `/api/me/notifications/${room.id}`;
    const { version } = (await api<{ version: string }>(url, alice, "PUT", path, {
      level: "none",
    })).body;
    // Bob's change comes later: alice's sockets still carry hers, his carry his.
    const bobs = (await api<{ version: string }>(url, bob, "PUT", path, { level: "all" })).body;
    assert.deepEqual(await pageList(url, alice), { levels: { [room.id]: "none" }, version });
    assert.equal(await welcomeOf(alice), version);
    assert.equal(await welcomeOf(bob), bobs.version);
    // Without the hint cookie, or with one naming someone else, the session's user decides.
    const session = alice.cookie.split("; ")[0]!;
    for (const cookie of [session, `${session}; uid=${bob.id}`]) {
      assert.equal(await welcomeOf({ ...alice, cookie }), version, cookie.slice(-12));
    }
  });
});
