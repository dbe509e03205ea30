/**
 * Integration tests of profiles, friend requests and blocks: a real server, real KV, real
 * WebSockets. Every refused action must change nothing and reveal nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FriendLists, PublicProfile } from "../lib/common/api_types.ts";
import { api, befriend, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

function lists(server: TestServer, user: TestUser) {
  return api<FriendLists>(server.url, user, "GET", "/api/friends").then((r) => r.body);
}

const names = (profiles: { name: string }[]) => profiles.map((p) => p.name);

Deno.test("GET /api/me and /api/users/:username give the profile, defaulting the display name to the username", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const me = await api<{ profile: PublicProfile }>(server.url, alice, "GET", "/api/me");
    assert.deepEqual(me.body.profile, {
      id: alice.id,
      name: alice.name,
      displayName: alice.name,
      status: "",
    });
    const patched = await api(server.url, alice, "PATCH", "/api/me/profile", {
      displayName: "  Alice 🌷 ",
      status: "at lunch",
    });
    assert.equal(patched.status, 200);
    const seen = await api<{ profile: PublicProfile }>(
      server.url,
      bob,
      "GET",
      `/api/users/${alice.name}`,
    );
    assert.equal(seen.body.profile.displayName, "Alice 🌷");
    assert.equal(seen.body.profile.status, "at lunch");
    assert.equal((await api(server.url, bob, "GET", "/api/users/nobody-here")).status, 404);
  });
});

Deno.test("PATCH /api/me/profile refuses empty, too long or multi-line names and long statuses, changing nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    for (
      const body of [
        { displayName: "   " },
        { displayName: "x".repeat(41) },
        { displayName: "two\nlines" },
        { status: "s".repeat(81) },
        { displayName: 42 },
      ]
    ) {
      const result = await api(server.url, alice, "PATCH", "/api/me/profile", body);
      assert.equal(result.status, 400, JSON.stringify(body));
    }
    const ok = await api(server.url, alice, "PATCH", "/api/me/profile", {
      displayName: "😀".repeat(40),
      status: "é".repeat(80),
    });
    assert.equal(ok.status, 200);
    const me = await api<{ profile: PublicProfile }>(server.url, alice, "GET", "/api/me");
    assert.equal(me.body.profile.displayName, "😀".repeat(40));
  });
});

Deno.test("a friend request reaches every socket of the recipient live, and accepting makes both friends", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const tabs = [new TestSocket(server.url, bob), new TestSocket(server.url, bob)];
    for (const tab of tabs) await tab.next("welcome");
    const sent = await api(server.url, alice, "POST", "/api/friends/requests", {
      username: bob.name,
      note: "hi, it's Alice from work",
    });
    assert.deepEqual(sent, { status: 201, body: { status: "pending" } });
    for (const tab of tabs) {
      const frame = await tab.next("user_event", (f) => f.event.kind === "friend_request");
      assert.ok(frame.event.kind === "friend_request");
      assert.equal(frame.event.request.user.id, alice.id);
      assert.equal(frame.event.request.note, "hi, it's Alice from work");
    }
    assert.deepEqual(names((await lists(server, bob)).incoming.map((r) => r.user)), [alice.name]);
    assert.deepEqual(names((await lists(server, alice)).outgoing.map((r) => r.user)), [bob.name]);

    const aliceSocket = new TestSocket(server.url, alice);
    await aliceSocket.next("welcome");
    const accepted = await api(
      server.url,
      bob,
      "POST",
      `/api/friends/requests/${alice.name}/accept`,
    );
    assert.equal(accepted.status, 204);
    await aliceSocket.next("user_event", (f) => f.event.kind === "friends_changed");
    for (const [user, other] of [[alice, bob], [bob, alice]] as const) {
      const mine = await lists(server, user);
      assert.deepEqual(names(mine.friends), [other.name]);
      assert.deepEqual([mine.incoming, mine.outgoing], [[], []]);
    }
    for (const socket of [...tabs, aliceSocket]) await socket.close();
  });
});

Deno.test("a profile change reaches friends' sockets live, and not strangers'", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    await befriend(server.url, alice, bob);
    const b = new TestSocket(server.url, bob);
    const c = new TestSocket(server.url, carol);
    await b.next("welcome");
    await c.next("welcome");
    await api(server.url, alice, "PATCH", "/api/me/profile", { displayName: "Ally" });
    const frame = await b.next("user_event", (f) => f.event.kind === "profile");
    assert.ok(frame.event.kind === "profile");
    assert.equal(frame.event.profile.displayName, "Ally");
    c.send({ type: "ping", ref: "sync" });
    await c.next("pong");
    assert.equal(c.frames.some((f) => f.type === "user_event"), false);
    await b.close();
    await c.close();
  });
});

Deno.test("two users who request each other at the same time become friends once", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const results = await Promise.all([
      api<{ status: string }>(server.url, alice, "POST", "/api/friends/requests", {
        username: bob.name,
      }),
      api<{ status: string }>(server.url, bob, "POST", "/api/friends/requests", {
        username: alice.name,
      }),
    ]);
    assert.deepEqual(results.map((r) => r.body.status).sort(), ["friends", "pending"]);
    for (const user of [alice, bob]) {
      const mine = await lists(server, user);
      assert.equal(mine.friends.length, 1);
      assert.deepEqual([mine.incoming, mine.outgoing], [[], []]);
    }
  });
});

Deno.test("forbidden friend actions are refused and change nothing: self, duplicate, someone else's request, long note", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const mallory = await registerUser(server.url, "mallory");
    const request = (from: TestUser, username: string, note?: string) =>
      api(server.url, from, "POST", "/api/friends/requests", { username, note });

    assert.equal((await request(alice, alice.name)).status, 400);
    assert.equal((await request(alice, bob.name, "n".repeat(201))).status, 400);
    assert.equal((await request(alice, bob.name, "n".repeat(200))).status, 201);
    assert.equal((await request(alice, bob.name)).status, 409);
    assert.equal((await request(alice, "no-such-user")).status, 404);
    const before = await Promise.all([alice, bob, mallory].map((u) => lists(server, u)));

    const steal = await api(
      server.url,
      mallory,
      "POST",
      `/api/friends/requests/${alice.name}/accept`,
    );
    assert.equal(steal.status, 404);
    const decline = await api(
      server.url,
      mallory,
      "POST",
      `/api/friends/requests/${alice.name}/decline`,
    );
    assert.equal(decline.status, 404);
    const cancel = await api(server.url, mallory, "DELETE", `/api/friends/requests/${bob.name}`);
    assert.equal(cancel.status, 404);
    assert.equal(
      (await api(server.url, mallory, "DELETE", `/api/friends/${alice.name}`)).status,
      404,
    );
    const after = await Promise.all([alice, bob, mallory].map((u) => lists(server, u)));
    assert.deepEqual(after, before);
  });
});

Deno.test("declining, cancelling and removing each clear both sides", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const empty = { friends: [], incoming: [], outgoing: [], blocked: [] };
    await api(server.url, alice, "POST", "/api/friends/requests", { username: bob.name });
    const declined = await api(
      server.url,
      bob,
      "POST",
      `/api/friends/requests/${alice.name}/decline`,
    );
    assert.equal(declined.status, 204);
    assert.deepEqual([await lists(server, alice), await lists(server, bob)], [empty, empty]);
    // Alice may not ask Bob again for a day after his decline; Bob may ask her.
    await api(server.url, bob, "POST", "/api/friends/requests", { username: alice.name });
    assert.equal(
      (await api(server.url, bob, "DELETE", `/api/friends/requests/${alice.name}`)).status,
      204,
    );
    assert.deepEqual([await lists(server, alice), await lists(server, bob)], [empty, empty]);
    await befriend(server.url, bob, alice);
    assert.equal((await api(server.url, bob, "DELETE", `/api/friends/${alice.name}`)).status, 204);
    assert.deepEqual([await lists(server, alice), await lists(server, bob)], [empty, empty]);
  });
});

Deno.test("a blocked user sees the blocker as a nonexistent account: profile and requests get the unknown-user answer", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const mallory = await registerUser(server.url, "mallory");
    await befriend(server.url, alice, mallory);
    assert.equal(
      (await api(server.url, alice, "POST", "/api/friends/blocks", { username: mallory.name }))
        .status,
      204,
    );

    const unknown = await api(server.url, mallory, "GET", "/api/users/no-such-user");
    const probe = await api(server.url, mallory, "GET", `/api/users/${alice.name}`);
    assert.deepEqual(probe, unknown);
    const unknownRequest = await api(server.url, mallory, "POST", "/api/friends/requests", {
      username: "no-such-user",
    });
    const blockedRequest = await api(server.url, mallory, "POST", "/api/friends/requests", {
      username: alice.name,
    });
    assert.deepEqual(blockedRequest, unknownRequest);
    const malloryLists = await lists(server, mallory);
    assert.deepEqual(malloryLists, { friends: [], incoming: [], outgoing: [], blocked: [] });
    const aliceLists = await lists(server, alice);
    assert.deepEqual(names(aliceLists.blocked), [mallory.name]);
    assert.deepEqual([aliceLists.friends, aliceLists.incoming], [[], []]);
    assert.equal(JSON.stringify(malloryLists).includes(alice.id), false);

    assert.equal(
      (await api(server.url, alice, "DELETE", `/api/friends/blocks/${mallory.name}`)).status,
      204,
    );
    const again = await api(server.url, mallory, "POST", "/api/friends/requests", {
      username: alice.name,
    });
    assert.equal(again.status, 201);
  });
});

Deno.test("GET /api/friends lists the users one blocked until they are unblocked; unblocking anyone else is 404 and changes nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const mallory = await registerUser(server.url, "mallory");
    const trent = await registerUser(server.url, "trent");
    await api(server.url, mallory, "PATCH", "/api/me/profile", { displayName: "<b>M</b>" });
    for (const user of [mallory, trent]) {
      const blocked = await api(server.url, alice, "POST", "/api/friends/blocks", {
        username: user.name,
      });
      assert.equal(blocked.status, 204);
    }
    const before = await lists(server, alice);
    assert.deepEqual(names(before.blocked).sort(), [mallory.name, trent.name].sort());
    const shown = before.blocked.find((p) => p.id === mallory.id);
    assert.deepEqual(shown, {
      id: mallory.id,
      name: mallory.name,
      displayName: "<b>M</b>",
      status: "",
    });

    const socket = new TestSocket(server.url, alice);
    await socket.next("welcome");
    const unblock = (name: string) =>
      api<{ error?: string }>(server.url, alice, "DELETE", `/api/friends/blocks/${name}`);
    assert.equal((await unblock(mallory.name)).status, 204);
    await socket.next("user_event", (f) => f.event.kind === "friends_changed");
    assert.deepEqual(names((await lists(server, alice)).blocked), [trent.name]);

    for (const name of [mallory.name, "no-such-user", alice.name]) {
      const refused = await unblock(name);
      assert.deepEqual([refused.status, refused.body.error], [404, "Not blocked"], name);
    }
    assert.deepEqual(await lists(server, alice), {
      ...before,
      blocked: [before.blocked.find((p) => p.id === trent.id)],
    });
    assert.deepEqual(names((await lists(server, trent)).blocked), [], "only the blocker sees it");
    await socket.close();
  });
});
