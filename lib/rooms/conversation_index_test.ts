import assert from "node:assert/strict";
import { decode, keys } from "../kv/kv_keys.ts";
import { KvMessageStore } from "../messages/message_store_kv.ts";
import type { MessageDraft } from "../messages/message_store.ts";
import {
  ACTIVITY_REFRESH_MS,
  INDEXED_ROOM_MAX_MEMBERS,
  recentRooms,
} from "./conversation_index.ts";
import { addMembership, deleteMembership } from "./memberships.ts";

/** A KV in memory, a store on a clock the test moves, and helpers to join and send. */
async function setup() {
  const kv = await Deno.openKv(":memory:");
  let now = 1_000_000;
  const clock = { now: () => now };
  const store = new KvMessageStore(kv, clock);
  let sent = 0;
  return {
    kv,
    store,
    at: (time: number) => now = time,
    join: async (room: string, user: string) => {
      await kv.set(keys.user(user), { id: user, name: user });
      const account = await kv.get(keys.user(user));
      const atomic = addMembership(kv.atomic(), room, user, { joinedAt: now }, account);
      assert.ok((await atomic.commit()).ok);
    },
    leave: async (room: string, user: string) => {
      assert.ok((await deleteMembership(kv.atomic(), room, user).commit()).ok);
    },
    send: async (room: string, from: string) => {
      const draft: MessageDraft = { room, from, author: from, clientId: `c${sent++}`, text: "hi" };
      await store.append([draft]);
    },
    entries: async (user: string) => {
      const found: string[] = [];
      for await (const entry of kv.list({ prefix: keys.userActivities(user) })) {
        const { activity, room } = decode.userActivity(entry.key);
        found.push(`${activity}:${room}`);
      }
      return found;
    },
  };
}

Deno.test("KvMessageStore writes a member who joined after it read the room's members into the next due activity entries", async () => {
  const t = await setup();
  await t.join("r", "ann");
  await t.join("r", "bob");
  await t.send("r", "ann");
  // The store now knows the members as ann and bob; carl joins behind its back.
  t.at(1_000_010);
  await t.join("r", "carl");
  t.at(1_000_000 + ACTIVITY_REFRESH_MS);
  await t.send("r", "ann");
  const due = `${1_000_000 + ACTIVITY_REFRESH_MS}:r`;
  assert.deepEqual(await t.entries("carl"), [`1000010:r`, due]);
  // The previous entries of the members the store knew are replaced, not kept.
  assert.deepEqual(await t.entries("ann"), [due]);
  t.kv.close();
});

Deno.test("KvMessageStore writes no activity entries within the refresh interval, and the list still orders by the newest message", async () => {
  const t = await setup();
  for (const room of ["a", "b"]) {
    await t.join(room, "ann");
    await t.join(room, "bob");
  }
  t.at(1_000_100);
  await t.send("a", "bob");
  t.at(1_000_200);
  await t.send("b", "bob");
  t.at(1_000_300);
  await t.send("a", "bob");
  // The join entries stay until the list reads past them; the third message wrote none.
  // (Ann's index counts as built: a first read would backfill it at the current activity.)
  await t.kv.set(keys.userActivityBuilt("ann"), true);
  assert.deepEqual(await t.entries("ann"), ["1000000:a", "1000000:b", "1000100:a", "1000200:b"]);
  const listed = await recentRooms(t.kv, t.store, "ann", null, 1);
  assert.deepEqual(listed.rooms.map((room) => [room.room, room.activity]), [["a", 1_000_300]]);
  assert.equal(listed.more, true);
  assert.deepEqual(await t.entries("ann"), ["1000100:a", "1000200:b"]);
  const rest = await recentRooms(t.kv, t.store, "ann", { activity: 1_000_300, room: "a" }, 5);
  assert.deepEqual(rest.rooms.map((room) => room.room), ["b"]);
  assert.equal(rest.more, false);
  t.kv.close();
});

Deno.test("KvMessageStore names the members whose activity entries it wrote on the room's first new message, once per refresh interval, and none of a big room", async () => {
  const t = await setup();
  await t.join("r", "ann");
  await t.join("r", "bob");
  const append = async (room: string, ...texts: string[]) =>
    (await t.store.append(texts.map((text, i) => ({
      room,
      from: "ann",
      author: "ann",
      clientId: `${room}-${text}-${i}`,
      text,
    })))).map((result) => result.activityFor);
  assert.deepEqual(await append("r", "one", "two"), [["ann", "bob"], undefined]);
  t.at(1_000_000 + ACTIVITY_REFRESH_MS - 1);
  assert.deepEqual(await append("r", "three"), [undefined]);
  t.at(1_000_000 + ACTIVITY_REFRESH_MS);
  assert.deepEqual(await append("r", "four"), [["ann", "bob"]]);

  for (let i = 0; i <= INDEXED_ROOM_MAX_MEMBERS; i++) await t.join("big", `user${i}`);
  assert.deepEqual(await append("big", "hello all"), [undefined]);
  t.kv.close();
});

Deno.test("recentRooms() drops and deletes the entries of a room the user left", async () => {
  const t = await setup();
  await t.join("a", "ann");
  await t.join("b", "ann");
  await t.leave("a", "ann");
  const listed = await recentRooms(t.kv, t.store, "ann", null, 10);
  assert.deepEqual(listed.rooms.map((room) => room.room), ["b"]);
  assert.deepEqual(await t.entries("ann"), ["1000000:b"]);
  t.kv.close();
});

Deno.test("KvMessageStore gives every member of a room over the indexed size a big-room entry before its message", async () => {
  const t = await setup();
  const members = Array.from({ length: INDEXED_ROOM_MAX_MEMBERS + 1 }, (_, i) => `u${i}`);
  for (const member of members) await t.join("big", member);
  t.at(1_000_500);
  await t.send("big", "u0");
  for (const member of members) {
    assert.ok((await t.kv.get(keys.userBigRoom(member, "big"))).versionstamp, member);
    const listed = await recentRooms(t.kv, t.store, member, null, 5);
    assert.deepEqual(listed.rooms.map((room) => [room.room, room.activity]), [[
      "big",
      1_000_500,
    ]]);
  }
  t.kv.close();
});
