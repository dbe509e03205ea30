import assert from "node:assert/strict";
import { FakeClock } from "../../common/testing/fake_clock.ts";
import { keys } from "../../kv/kv_keys.ts";
import { KvPresence } from "./presence_kv.ts";

async function withPresence(
  fn: (presence: KvPresence, clock: FakeClock, kv: Deno.Kv) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = new FakeClock();
    await fn(new KvPresence(kv, clock), clock, kv);
  } finally {
    kv.close();
  }
}

Deno.test("KvPresence.nodesOf() lists the nodes a user is present on until their entries expire", async () => {
  await withPresence(async (presence, clock) => {
    await presence.add("a", ["u1"], 3000);
    clock.advance(1000);
    await presence.add("b", ["u1"], 3000);
    assert.deepEqual((await presence.nodesOf("u1")).sort(), ["a", "b"]);
    clock.advance(2000);
    assert.deepEqual(await presence.nodesOf("u1"), ["b"], "a's entry expired: KV deletes lazily");
    clock.advance(1000);
    assert.deepEqual(await presence.nodesOf("u1"), []);
  });
});

Deno.test("KvPresence.add() renews an entry, and remove() deletes only that node's", async () => {
  await withPresence(async (presence, clock) => {
    await presence.add("a", ["u1", "u2"], 3000);
    await presence.add("b", ["u1"], 3000);
    clock.advance(2000);
    await presence.add("a", ["u1"], 3000);
    clock.advance(2000);
    assert.deepEqual(await presence.online(["u1", "u2"]), new Set(["u1"]));
    await presence.remove("a", ["u1", "u2"]);
    assert.deepEqual(await presence.nodesOf("u1"), [], "b's entry had expired already");
    await presence.add("b", ["u1"], 3000);
    await presence.remove("a", ["u1"]);
    assert.deepEqual(await presence.nodesOf("u1"), ["b"]);
  });
});

Deno.test("KvPresence.online() reads many users, beyond one KV batch, and writes them in batches", async () => {
  await withPresence(async (presence, _clock, kv) => {
    const users = Array.from({ length: 1200 }, (_, i) => `user${i}`);
    await presence.add("a", users.filter((_, i) => i % 3 === 0), 60_000);
    const online = await presence.online([...users, "stranger"]);
    assert.equal(online.size, 400);
    assert.ok(online.has("user0") && online.has("user1197") && !online.has("user1"));
    const entry = await kv.get<{ expiresAt: number }>(keys.presence("user3", "a"));
    assert.ok(entry.value !== null && entry.value.expiresAt > 0);
  });
});

Deno.test("KvPresence.wentOffline() records 'last seen' of a live account only, not of one being deleted or gone", async () => {
  await withPresence(async (presence, clock, kv) => {
    await kv.set(keys.user("live"), { id: "live", name: "live" });
    await kv.set(keys.user("leaving"), { id: "leaving", name: "leaving", deleting: true });
    clock.advance(5000);
    for (const user of ["live", "leaving", "gone"]) await presence.wentOffline(user);
    assert.deepEqual(
      await presence.lastSeen(["live", "leaving", "gone"]),
      new Map([["live", clock.now()]]),
    );
    assert.equal((await kv.get(keys.lastSeen("leaving"))).versionstamp, null);
  });
});
