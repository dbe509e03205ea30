import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { keys } from "../kv/kv_keys.ts";
import type { UserRecord } from "./accounts.ts";
import { Sessions } from "./sessions.ts";

const TTL_MS = 60_000;

/** Runs `fn` with sessions on an in-memory KV holding the accounts `alice` and `bob`. */
async function withSessions(
  fn: (setup: { sessions: Sessions; clock: FakeClock; kv: Deno.Kv }) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock(1_000_000);
  for (const id of ["alice", "bob"]) {
    const record: UserRecord = {
      id,
      name: id,
      password: { alg: "pbkdf2-sha256", iterations: 1, salt: "c2FsdA", hash: "aGFzaA" },
      createdAt: 0,
    };
    await kv.set(keys.user(id), record);
  }
  try {
    await fn({ sessions: new Sessions(kv, clock, TTL_MS), clock, kv });
  } finally {
    kv.close();
  }
}

Deno.test("Sessions.lookupWithUser() returns the session's own user whatever the hint names", async () => {
  await withSessions(async ({ sessions }) => {
    const { token, session } = await sessions.create("alice");
    for (
      const hint of ["alice", "bob", "nobody", undefined, "no spaces allowed", "x".repeat(5000)]
    ) {
      const found = await sessions.lookupWithUser(token, hint);
      assert.equal(found?.session.id, session.id, `hint ${hint?.slice(0, 20)}`);
      assert.equal(found?.user?.id, "alice", `hint ${hint?.slice(0, 20)}`);
    }
  });
});

Deno.test("Sessions.lookupWithUser() refuses an expired, revoked or malformed session even with a hint that names its user", async () => {
  await withSessions(async ({ sessions, clock }) => {
    const revoked = await sessions.create("alice");
    await sessions.revoke(revoked.session.id);
    assert.equal(await sessions.lookupWithUser(revoked.token, "alice"), null);
    assert.equal(await sessions.lookupWithUser("not a token", "alice"), null);
    assert.equal(await sessions.lookupWithUser(undefined, "alice"), null);

    const expiring = await sessions.create("alice");
    clock.advance(TTL_MS - 1);
    assert.equal((await sessions.lookupWithUser(expiring.token, "alice"))?.user?.id, "alice");
    clock.advance(1);
    assert.equal(await sessions.lookupWithUser(expiring.token, "alice"), null);
  });
});

Deno.test("Sessions.lookupWithUser() reports a session whose account is gone with no user", async () => {
  await withSessions(async ({ sessions }) => {
    const { token, session } = await sessions.create("carol");
    const found = await sessions.lookupWithUser(token, "carol");
    assert.deepEqual(found, { session, user: null });
  });
});

Deno.test("Sessions.lookupWithUser() brings the user's friend digest when asked, with or without a hint, null when none is stored", async () => {
  await withSessions(async ({ sessions, kv }) => {
    await kv.set(keys.friendDigest("alice"), ["bob"]);
    const alice = await sessions.create("alice");
    for (const hint of ["alice", "bob", undefined]) {
      const found = await sessions.lookupWithUser(alice.token, hint, true);
      assert.deepEqual(found?.friends, ["bob"], `hint ${hint}`);
      assert.equal(found?.user?.id, "alice", `hint ${hint}`);
    }
    assert.equal("friends" in (await sessions.lookupWithUser(alice.token, "alice"))!, false);
    const bob = await sessions.create("bob");
    assert.equal((await sessions.lookupWithUser(bob.token, "bob", true))?.friends, null);
    assert.equal((await sessions.lookupWithUser(bob.token, undefined, true))?.friends, null);
  });
});

Deno.test("Sessions.lookupWithUser() brings, for a socket, the marks of the user's own conversation and friend lists whatever the hint names", async () => {
  await withSessions(async ({ sessions, kv }) => {
    const alice = await sessions.create("alice");
    for (const hint of ["alice", "bob", undefined]) {
      const found = await sessions.lookupWithUser(alice.token, hint, true);
      assert.deepEqual(found?.listMarks, { rooms: "", friends: "" }, `none yet, hint ${hint}`);
    }
    const rooms = (await kv.set(keys.roomsMark("alice"), true)).versionstamp;
    const friends = (await kv.set(keys.friendDigest("alice"), [])).versionstamp;
    await kv.set(keys.roomsMark("bob"), true);
    await kv.set(keys.friendDigest("bob"), []);
    for (const hint of ["alice", "bob", undefined]) {
      const found = await sessions.lookupWithUser(alice.token, hint, true);
      assert.deepEqual(found?.listMarks, { rooms, friends }, `hint ${hint}`);
    }
    assert.equal("listMarks" in (await sessions.lookupWithUser(alice.token, "alice"))!, false);
  });
});
