import assert from "node:assert/strict";
import { decode, keys } from "../kv/kv_keys.ts";
import { withKvServices } from "../../tests/helpers/kv_services.ts";
import {
  FRIEND_DIGEST_MAX,
  type FriendDigest,
  friendIdsOf,
  readForChange,
  touchDigests,
  writeDigest,
} from "./friend_digest.ts";

/** The stored digest of `userId`, sorted (null: none stored). */
async function digestOf(kv: Deno.Kv, userId: string): Promise<FriendDigest | null> {
  const digest = (await kv.get<FriendDigest>(keys.friendDigest(userId))).value;
  return Array.isArray(digest) ? [...digest].sort() : digest;
}

/** The ids of `userId`'s `friend` entries, sorted: what the digest must hold. */
async function listedFriends(kv: Deno.Kv, userId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: keys.friends(userId) })) {
    ids.push(decode.friend(entry.key));
  }
  return ids.sort();
}

Deno.test("the friend digest names exactly the friends after accepting, removing, blocking and deleting an account", async () => {
  const names = ["alice", "bob", "carol", "dave"] as const;
  await withKvServices(names, async ({ kv, friends }, users) => {
    const { alice, bob, carol, dave } = users;
    const check = async (step: string) => {
      for (const name of names) {
        const id = users[name].id;
        assert.deepEqual(await digestOf(kv, id), await listedFriends(kv, id), `${step}: ${name}`);
      }
    };
    await check("registered");
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    await friends.request(alice.id, carol.name);
    await friends.request(carol.id, alice.name);
    await friends.request(dave.id, alice.name);
    await friends.accept(alice.id, dave.name);
    await check("befriended");
    assert.deepEqual(await digestOf(kv, alice.id), [bob.id, carol.id, dave.id].sort());
    await friends.remove(alice.id, bob.name);
    await check("removed");
    await friends.block(carol.id, alice.name);
    await check("blocked");
    assert.deepEqual(await digestOf(kv, alice.id), [dave.id]);
    await friends.request(bob.id, dave.name);
    await friends.accept(dave.id, bob.name);
    await friends.forget(dave.id);
    assert.equal(await digestOf(kv, dave.id), null, "the deleted account's digest is gone");
    for (const name of ["alice", "bob", "carol"] as const) {
      assert.deepEqual(await digestOf(kv, users[name].id), [], `${name} after the deletion`);
    }
  });
});

Deno.test("the friend digest loses no id when one user's friendships change at the same moment", async () => {
  const names = ["alice", "bob", "carol", "dave", "erin", "frank"] as const;
  await withKvServices(names, async ({ kv, friends }, users) => {
    const { alice, frank } = users;
    const others = [users.bob, users.carol, users.dave, users.erin];
    await friends.request(frank.id, alice.name);
    await friends.accept(alice.id, frank.name);
    for (const other of others) await friends.request(other.id, alice.name);
    await Promise.all([
      ...others.map((other) => friends.accept(alice.id, other.name)),
      friends.remove(frank.id, alice.name),
    ]);
    assert.deepEqual(await digestOf(kv, alice.id), others.map((u) => u.id).sort());
    assert.deepEqual(await digestOf(kv, alice.id), await listedFriends(kv, alice.id));
    assert.deepEqual(await digestOf(kv, frank.id), []);
  });
});

Deno.test("friendIds() builds a missing digest from the friend list once, and later changes keep it exact", async () => {
  await withKvServices(["alice", "bob", "carol"], async ({ kv, friends }, users) => {
    const { alice, bob, carol } = users;
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    // An account from before the digest existed.
    await kv.delete(keys.friendDigest(alice.id));
    assert.deepEqual(await friends.friendIds(alice.id), [bob.id]);
    assert.deepEqual(await digestOf(kv, alice.id), [bob.id], "written by the first read");
    const written = (await kv.get(keys.friendDigest(alice.id))).versionstamp;
    assert.deepEqual(await friends.friendIds(alice.id), [bob.id]);
    assert.equal((await kv.get(keys.friendDigest(alice.id))).versionstamp, written, "read once");

    await kv.delete(keys.friendDigest(alice.id));
    await friends.request(carol.id, alice.name);
    await friends.accept(alice.id, carol.name);
    assert.deepEqual(await digestOf(kv, alice.id), [bob.id, carol.id].sort(), "built by a change");
  });
});

Deno.test("friendIds() does not write back the digest of an account being deleted", async () => {
  await withKvServices(["alice", "bob"], async ({ kv, accounts, friends }, { alice, bob }) => {
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    await accounts.beginDeletion(alice.id, 60_000);
    await friends.forget(alice.id);
    // Her last socket's "offline" notice comes after the deletion removed her digest.
    assert.deepEqual(await friends.friendIds(alice.id), []);
    assert.equal((await kv.get(keys.friendDigest(alice.id))).versionstamp, null);
    await accounts.remove(alice.id);
    assert.deepEqual(await friends.friendIds(alice.id), []);
    assert.equal((await kv.get(keys.friendDigest(alice.id))).versionstamp, null);
  });
});

Deno.test("a digest read as missing before a change does not overwrite the digest that change wrote", async () => {
  await withKvServices(["alice", "bob", "carol"], async ({ kv, friends }, users) => {
    const { alice, bob, carol } = users;
    await kv.delete(keys.friendDigest(alice.id));
    // A connect read "none stored"; then a friendship was made before it told anyone.
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    const after = await kv.get(keys.friendDigest(alice.id));
    assert.deepEqual(await friends.friendIds(alice.id, null), [bob.id]);
    assert.equal((await kv.get(keys.friendDigest(alice.id))).versionstamp, after.versionstamp);
    await friends.request(alice.id, carol.name);
    await friends.accept(carol.id, alice.name);
    assert.deepEqual(await digestOf(kv, alice.id), [bob.id, carol.id].sort());
  });
});

Deno.test('a user with more friends than a digest holds gets "many" and the friend list, until enough friends go', async () => {
  await withKvServices(["ursula"], async ({ kv }, { ursula }) => {
    const u = ursula.id;
    // An account from before the digest existed.
    await kv.delete(keys.friendDigest(u));
    const ids = Array.from({ length: FRIEND_DIGEST_MAX + 1 }, (_, i) => `f${1000 + i}`);
    for (const id of ids) await kv.set(keys.friend(u, id), { since: 0 });
    const told = await friendIdsOf(kv, u);
    assert.deepEqual(told, ids.slice(0, FRIEND_DIGEST_MAX), "the first ones, as a list gives");
    assert.equal(await digestOf(kv, u), "many");
    assert.deepEqual(await friendIdsOf(kv, u), ids.slice(0, FRIEND_DIGEST_MAX));

    const [read] = await readForChange(kv, [u]);
    const atomic = writeDigest(kv.atomic(), read!, { remove: ids[0]! });
    assert.equal((await atomic.delete(keys.friend(u, ids[0]!)).commit()).ok, true);
    assert.deepEqual(await digestOf(kv, u), ids.slice(1));

    const [full] = await readForChange(kv, [u]);
    await writeDigest(kv.atomic(), full!, { add: "f0999" }).commit();
    assert.equal(await digestOf(kv, u), "many");
  });
});

Deno.test("touchDigests() rewrites a stored digest unchanged with a newer version, leaves a missing one missing, and fails on a change made since the read", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const stored = await kv.set(keys.friendDigest("alice"), ["bob"]);
    const read = await kv.getMany<FriendDigest[]>([
      keys.friendDigest("alice"),
      keys.friendDigest("gone"),
    ]);
    assert.ok((await touchDigests(kv.atomic(), read).commit()).ok);
    const after = await kv.get<FriendDigest>(keys.friendDigest("alice"));
    assert.deepEqual(after.value, ["bob"]);
    assert.ok(after.versionstamp > stored.versionstamp, "the version moved");
    // An account being deleted (its digest gone) does not get it back.
    assert.equal((await kv.get(keys.friendDigest("gone"))).versionstamp, null);
    // Read before the last write: the check fails and nothing is written.
    assert.equal((await touchDigests(kv.atomic(), read).commit()).ok, false);
  } finally {
    kv.close();
  }
});
