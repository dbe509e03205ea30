/**
 * Input hygiene at the API: names that lie about what they say or show nothing, a reserved
 * username, page limits written other than in decimal, and friend requests sent too often or
 * straight after a decline. Each is refused with a clear error and changes nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PublicProfile, RoomSummary } from "../lib/common/api_types.ts";
import { readConfig } from "../lib/server/config.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { DECLINE_COOL_DOWN_MS } from "../lib/social/friends.ts";
import { api, createRoom, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { withTestServer } from "./helpers/test_server.ts";

type Answer = { error?: string; profile?: PublicProfile; room?: RoomSummary };

Deno.test("a display name with a right-to-left override, or made only of zero-width characters, is refused and the name is kept", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const patch = (displayName: string) =>
      api<Answer>(server.url, alice, "PATCH", "/api/me/profile", { displayName });
    assert.equal((await patch("Alice")).status, 200);
    for (const name of ["evil\u202Egnp.exe", "\u200B\u200B", "\u200D\uFEFF\u2060", "\u3164"]) {
      const refused = await patch(name);
      assert.equal(refused.status, 400, JSON.stringify(name));
      assert.match(refused.body.error!, /text-direction controls|invisible/);
    }
    const me = await api<Answer>(server.url, alice, "GET", "/api/me");
    assert.equal(me.body.profile!.displayName, "Alice");
    // Right-to-left names themselves, with their plain marks, stay fine.
    assert.equal((await patch("\u05D0\u05D1\u200F")).status, 200);
  });
});

Deno.test("a room name with NUL or another control character, or a direction override, is refused on create and rename", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    for (const name of ["gen\u0000eral", "a\u0007b", "\u202Eroom", "\u200B"]) {
      const created = await api<Answer>(server.url, alice, "POST", "/api/rooms", { name });
      assert.equal(created.status, 400, JSON.stringify(name));
      assert.match(created.body.error!, /control characters/);
    }
    const rooms = await api<{ joined: unknown[] }>(server.url, alice, "GET", "/api/rooms");
    assert.equal(rooms.body.joined.length, 0, "no room was created");
    const room = await createRoom(server.url, alice, [], "general");
    const renamed = await api(server.url, alice, "PATCH", `/api/rooms/${room.id}`, {
      name: "x\u0000",
      topic: "two\nlines",
    });
    assert.equal(renamed.status, 400);
    const topic = await api(server.url, alice, "PATCH", `/api/rooms/${room.id}`, {
      topic: "two\nlines",
    });
    assert.equal(topic.status, 204, "a topic may span lines");
  });
});

Deno.test("the username system cannot be registered, in any case", async () => {
  await withTestServer(async (server) => {
    for (const username of ["system", "System", "SYSTEM"]) {
      const response = await fetch(`${server.url}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password: "correct horse battery" }),
      });
      const body = await response.json() as Answer;
      assert.equal(response.status, 400);
      assert.equal(body.error, "That username is reserved");
    }
  });
});

Deno.test("a page limit written other than in decimal digits (0x10, 1e1, 16.0, +16) is refused with 400", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    for (const limit of ["0x10", "1e1", "16.0", "+16", " 16", "0b1"]) {
      const path = `/api/rooms/discover?limit=${encodeURIComponent(limit)}`;
      assert.equal((await api(server.url, alice, "GET", path)).status, 400, limit);
    }
    assert.equal((await api(server.url, alice, "GET", "/api/rooms/discover?limit=16")).status, 200);
  });
});

Deno.test("friend requests past FRIEND_REQUESTS_PER_HOUR get 429, and only requests that reached someone count", async () => {
  const limits = { ...readConfig({}).limits, friendRequestsPerHour: 3 };
  await withTestServer(async (server) => {
    const users = await Promise.all(
      Array.from({ length: 5 }, (_, i) => registerUser(server.url, `friend${i}`)),
    );
    const [alice, ...others] = users as [TestUser, ...TestUser[]];
    const ask = (username: string) =>
      api<Answer>(server.url, alice, "POST", "/api/friends/requests", { username });
    assert.equal((await ask("nobody-at-all")).status, 404, "an unknown name costs nothing");
    for (const other of others.slice(0, 3)) assert.equal((await ask(other.name)).status, 201);
    const refused = await ask(others[3]!.name);
    assert.equal(refused.status, 429);
    assert.match(refused.body.error!, /Too many friend requests/);
    const lists = await api<{ incoming: unknown[] }>(server.url, others[3]!, "GET", "/api/friends");
    assert.equal(lists.body.incoming.length, 0, "the refused request was not sent");
  }, { config: { limits } });
});

Deno.test("after a decline the sender cannot ask the same user again for a day", async () => {
  const clock = new FakeClock(Date.now());
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const ask = (from: TestUser, to: TestUser) =>
      api<Answer>(server.url, from, "POST", "/api/friends/requests", { username: to.name });
    assert.equal((await ask(alice, bob)).status, 201);
    const declined = await api(
      server.url,
      bob,
      "POST",
      `/api/friends/requests/${alice.name}/decline`,
    );
    assert.equal(declined.status, 204);
    const again = await ask(alice, bob);
    assert.equal(again.status, 429);
    assert.equal(
      again.body.error,
      "This user declined your request recently; you can ask again in 24 h",
    );

    clock.advance(DECLINE_COOL_DOWN_MS - 60_000);
    assert.equal((await ask(alice, bob)).status, 429, "a minute before the day is up");
    clock.advance(60_000);
    assert.equal((await ask(alice, bob)).status, 201, "a day later");
    assert.equal((await ask(bob, alice)).status, 200, "bob's own request befriends them");
  }, { clock });
});
