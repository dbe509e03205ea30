/**
 * Integration tests of the people directory against a real server: prefix search over
 * usernames and display names, its minimum length, renames, blocks either way, the per-user
 * rate limit and the bound on results.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DirectoryResults } from "../lib/common/api_types.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { DIRECTORY_RESULTS_MAX } from "../lib/common/directory_rules.ts";
import { DIRECTORY_SEARCH_BURST } from "../lib/social/user_directory.ts";
import { api, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

async function search(server: TestServer, user: TestUser, q: string) {
  const found = await api<DirectoryResults & { code?: string; retryAfterSeconds?: number }>(
    server.url,
    user,
    "GET",
    `/api/directory?q=${encodeURIComponent(q)}`,
  );
  return { ...found, names: (found.body.users ?? []).map((u) => u.name).toSorted() };
}

async function rename(server: TestServer, user: TestUser, displayName: string) {
  const changed = await api(server.url, user, "PATCH", "/api/me/profile", { displayName });
  assert.equal(changed.status, 200);
}

Deno.test("the directory finds people by a prefix of their username, from 3 characters", async () => {
  await withTestServer(async (server) => {
    const bob = await registerUser(server.url, "bob");
    const bobby = await registerUser(server.url, "bobby");
    const alice = await registerUser(server.url, "alice");
    const short = await search(server, alice, "bo");
    assert.equal(short.status, 400);
    assert.equal(short.body.code, "refusal.searchTooShort");
    assert.deepEqual((await search(server, alice, "bob")).names, [bob.name, bobby.name].toSorted());
    assert.deepEqual((await search(server, alice, "BOBB")).names, [bobby.name]);
    assert.deepEqual((await search(server, alice, "zzz")).names, []);
  });
});

Deno.test("the directory finds display names and their later words, and follows a rename", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const viewer = await registerUser(server.url, "viewer");
    await rename(server, alice, "Zhang Wei");
    assert.deepEqual((await search(server, viewer, "zhang w")).names, [alice.name]);
    assert.deepEqual((await search(server, viewer, "wei")).names, [alice.name]);
    await rename(server, alice, "王小明");
    assert.deepEqual((await search(server, viewer, "zha")).names, [], "the old name is gone");
    assert.deepEqual((await search(server, viewer, "王小")).names, [alice.name]);
    const one = await search(server, viewer, "王");
    assert.equal(one.status, 400, "one Chinese character is too short");
    assert.deepEqual((await search(server, viewer, alice.name)).names, [alice.name]);
  });
});

Deno.test("the directory never lists the searcher, nor anyone blocked either way", async () => {
  await withTestServer(async (server) => {
    const carol = await registerUser(server.url, "carol");
    const carla = await registerUser(server.url, "carla");
    const dave = await registerUser(server.url, "dave");
    await rename(server, dave, "Carlos");
    const blocked = await api(server.url, carol, "POST", "/api/friends/blocks", {
      username: dave.name,
    });
    assert.equal(blocked.status, 204);
    assert.deepEqual((await search(server, dave, "car")).names, [carla.name]);
    assert.deepEqual((await search(server, carol, "car")).names, [carla.name]);
    assert.deepEqual(
      (await search(server, carla, "car")).names,
      [carol.name, dave.name].toSorted(),
    );
  });
});

Deno.test("the directory limits searches per user and returns a bounded list", async () => {
  const clock = new FakeClock(Date.now());
  await withTestServer(async (server) => {
    const users: TestUser[] = [];
    for (let i = 0; i < DIRECTORY_RESULTS_MAX + 3; i++) {
      users.push(await registerUser(server.url, "many"));
    }
    const [searcher, other] = users as [TestUser, TestUser];
    const first = await search(server, searcher, "many");
    assert.equal(first.body.users.length, DIRECTORY_RESULTS_MAX);
    for (let i = 1; i < DIRECTORY_SEARCH_BURST; i++) {
      assert.equal((await search(server, searcher, "many")).status, 200);
    }
    const refused = await search(server, searcher, "many");
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, "refusal.searchRateLimited");
    assert.ok(refused.body.retryAfterSeconds! >= 1);
    assert.equal((await search(server, other, "many")).status, 200, "others are not limited");
    const tooShort = await search(server, searcher, "ma");
    assert.equal(tooShort.status, 400, "a short query is refused before the rate");
    clock.advance(1000);
    assert.equal((await search(server, searcher, "many")).status, 200);
  }, { clock });
});
