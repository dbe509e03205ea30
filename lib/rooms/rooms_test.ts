import assert from "node:assert/strict";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "../common/api_types.ts";
import { keys } from "../kv/kv_keys.ts";
import { setMembership } from "./memberships.ts";
import type { Membership, RoomRecord } from "./room_record.ts";
import { readRooms, Rooms } from "./rooms.ts";

/** A clock that moves only when told, so creation times (and list order) are exact. */
function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** The users of these tests: each has an account (a membership needs a live one). */
const USERS = ["alice", "bob", "carol", "dave", "erin", "eve", "m0", "m1", "m2", "m3", "m4", "m5"];

async function withRooms(
  fn: (rooms: Rooms, kv: Deno.Kv, clock: ReturnType<typeof manualClock>) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const clock = manualClock();
  for (const id of USERS) await kv.set(keys.user(id), { id, name: id });
  try {
    await fn(new Rooms(kv, clock), kv, clock);
  } finally {
    kv.close();
  }
}

/** Creates a room and returns its id; fails the test when creation is refused. */
async function created(
  rooms: Rooms,
  userId: string,
  name: string,
  visibility: "public" | "private" = "public",
): Promise<string> {
  const result = await rooms.create(userId, name, "", visibility);
  assert.ok(result.ok, `create ${name}`);
  return result.room.id;
}

/** Stores a direct room of `a` and `b` the way `DirectMessages.open` does. */
async function directRoom(kv: Deno.Kv, id: string, a: string, b: string): Promise<void> {
  const record: RoomRecord = {
    id,
    name: "",
    topic: "",
    createdAt: 5,
    createdBy: a,
    visibility: "direct",
    members: [a, b],
  };
  const atomic = kv.atomic().set(keys.room(id), record);
  for (const member of [a, b]) setMembership(atomic, id, member, { joinedAt: 5 });
  await atomic.commit();
}

async function entryCount(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix })) count++;
  return count;
}

Deno.test("Rooms.create() stores the room with its creator as owner under both membership keys", async () => {
  await withRooms(async (rooms, kv) => {
    const result = await rooms.create("alice", "  General  ", "  chat  ");
    assert.ok(result.ok);
    assert.deepEqual(result.room, {
      id: result.room.id,
      name: "General",
      topic: "chat",
      createdAt: 1_000,
    });
    const stored = (await kv.get<RoomRecord>(keys.room(result.room.id))).value;
    assert.equal(stored?.createdBy, "alice");
    assert.equal(stored?.visibility, "public");
    const owner: Membership = { joinedAt: 1_000, role: "owner" };
    assert.deepEqual((await kv.get(keys.roomMember(result.room.id, "alice"))).value, owner);
    assert.deepEqual((await kv.get(keys.userRoom("alice", result.room.id))).value, owner);
    assert.deepEqual(await rooms.get(result.room.id), result.room);
  });
});

Deno.test("Rooms.create() refuses a bad name or topic and stores nothing", async () => {
  await withRooms(async (rooms, kv) => {
    const nameRule = `Room name must be 1–${MAX_ROOM_NAME_CHARS} characters`;
    const topicRule = `Topic must be at most ${MAX_ROOM_TOPIC_CHARS} characters`;
    assertRefused(await rooms.create("alice", "   "), 400, nameRule);
    assertRefused(await rooms.create("alice", "x".repeat(MAX_ROOM_NAME_CHARS + 1)), 400, nameRule);
    assertRefused(
      await rooms.create("alice", "ok", "t".repeat(MAX_ROOM_TOPIC_CHARS + 1)),
      400,
      topicRule,
    );
    assert.equal(await entryCount(kv, []), USERS.length, "the accounts only");
  });
});

Deno.test("Rooms.create() puts a public room in Discover and keeps a private one out", async () => {
  await withRooms(async (rooms) => {
    const open = await created(rooms, "alice", "Open");
    await created(rooms, "alice", "Secret", "private");
    const bob = await rooms.lists("bob");
    assert.deepEqual(bob.discover.map((room) => room.id), [open]);
    assert.equal(bob.discoverCursor, undefined);
  });
});

Deno.test("Rooms.get() answers null for a room that does not exist", async () => {
  await withRooms(async (rooms) => {
    assert.equal(await rooms.get("nope"), null);
  });
});

Deno.test("Rooms.join() adds a member of a public room under both keys, once", async () => {
  await withRooms(async (rooms, kv, clock) => {
    const room = await created(rooms, "alice", "Open");
    clock.advance(10);
    const first = await rooms.join("bob", room);
    assert.ok(first.ok);
    assert.equal(first.added, true);
    assert.equal(first.room.id, room);
    const member: Membership = { joinedAt: 1_010, role: "member" };
    assert.deepEqual((await kv.get(keys.roomMember(room, "bob"))).value, member);
    assert.deepEqual((await kv.get(keys.userRoom("bob", room))).value, member);
    clock.advance(10);
    const again = await rooms.join("bob", room);
    assert.ok(again.ok);
    assert.equal(again.added, false);
    assert.deepEqual(await rooms.membership(room, "bob"), member);
  });
});

Deno.test("Rooms.join() by the owner keeps their role", async () => {
  await withRooms(async (rooms) => {
    const room = await created(rooms, "alice", "Open");
    const joined = await rooms.join("alice", room);
    assert.ok(joined.ok);
    assert.equal(joined.added, false);
    assert.equal((await rooms.membership(room, "alice"))?.role, "owner");
  });
});

Deno.test('Rooms.join() answers "No such room" for a missing, private, direct or banning room', async () => {
  await withRooms(async (rooms, kv) => {
    const secret = await created(rooms, "alice", "Secret", "private");
    const open = await created(rooms, "alice", "Open");
    await kv.set(keys.roomBan(open, "eve"), { at: 1, by: "alice" });
    await directRoom(kv, "dm_ab", "alice", "bob");
    assertRefused(await rooms.join("bob", "nope"), 404, "No such room");
    assertRefused(await rooms.join("bob", secret), 404, "No such room");
    assertRefused(await rooms.join("carol", "dm_ab"), 404, "No such room");
    assertRefused(await rooms.join("eve", open), 404, "No such room");
    assert.equal(await rooms.isMember(secret, "bob"), false);
    assert.equal(await rooms.isMember("dm_ab", "carol"), false);
    assert.equal(await rooms.isMember(open, "eve"), false);
    assert.equal(await entryCount(kv, keys.userRooms("eve")), 0);
  });
});

Deno.test("Rooms.isMember() and membership() follow joins", async () => {
  await withRooms(async (rooms) => {
    const room = await created(rooms, "alice", "Open");
    assert.equal(await rooms.isMember(room, "bob"), false);
    assert.equal(await rooms.membership(room, "bob"), null);
    await rooms.join("bob", room);
    assert.equal(await rooms.isMember(room, "bob"), true);
    assert.equal(await rooms.isMember(room, "alice"), true);
  });
});

Deno.test("Rooms.lists() lists joined group rooms newest first, without direct rooms", async () => {
  await withRooms(async (rooms, kv, clock) => {
    const older = await created(rooms, "alice", "Older");
    clock.advance(1);
    const secret = await created(rooms, "alice", "Secret", "private");
    clock.advance(1);
    const newer = await created(rooms, "bob", "Newer");
    await rooms.join("alice", newer);
    await directRoom(kv, "dm_ab", "alice", "bob");
    const lists = await rooms.lists("alice");
    assert.deepEqual(lists.joined.map((room) => room.id), [newer, secret, older]);
    assert.deepEqual(lists.discover, []);
  });
});

Deno.test("Rooms.lists() and discover() offer public rooms the user is not in, newest first", async () => {
  await withRooms(async (rooms, _kv, clock) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await created(rooms, "alice", `Room ${i}`));
      clock.advance(1);
    }
    await rooms.join("bob", ids[3]!);
    const lists = await rooms.lists("bob");
    assert.deepEqual(lists.joined.map((room) => room.id), [ids[3]]);
    assert.deepEqual(lists.discover.map((room) => room.id), [ids[4], ids[2], ids[1], ids[0]]);
    const first = await rooms.discover("bob", 2);
    assert.deepEqual(first.rooms.map((room) => room.id), [ids[4], ids[2]]);
    assert.ok(first.nextCursor);
    const second = await rooms.discover("bob", 2, first.nextCursor);
    assert.deepEqual(second.rooms.map((room) => room.id), [ids[1], ids[0]]);
    assert.equal(second.nextCursor, undefined);
  });
});

Deno.test("Rooms.roommateIds() lists everyone sharing a room with the user, once, without them", async () => {
  await withRooms(async (rooms) => {
    const one = await created(rooms, "alice", "One");
    const two = await created(rooms, "alice", "Two");
    const elsewhere = await created(rooms, "dave", "Elsewhere");
    await rooms.join("bob", one);
    await rooms.join("bob", two);
    await rooms.join("carol", two);
    await rooms.join("erin", elsewhere);
    assert.deepEqual((await rooms.roommateIds("alice")).sort(), ["bob", "carol"]);
    assert.deepEqual((await rooms.roommateIds("carol")).sort(), ["alice", "bob"]);
    assert.deepEqual(await rooms.roommateIds("nobody"), []);
  });
});

Deno.test("Rooms.roommateIds() reads at most perRoom members of each room", async () => {
  await withRooms(async (rooms) => {
    const room = await created(rooms, "m0", "Big");
    for (let i = 1; i < 6; i++) await rooms.join(`m${i}`, room);
    const mates = await rooms.roommateIds("m0", 3);
    // Members are listed by id: m0 (the user, left out), m1, m2.
    assert.deepEqual(mates.sort(), ["m1", "m2"]);
  });
});

Deno.test("readRooms() keeps the order of the ids, with null for a missing room, across batches", async () => {
  await withRooms(async (rooms, kv) => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(await created(rooms, "alice", `Room ${i}`));
    const asked = [...ids.slice(0, 12), "missing", ...ids.slice(12)];
    const read = await readRooms(kv, asked);
    assert.deepEqual(read.map((room) => room?.id ?? null), [
      ...ids.slice(0, 12),
      null,
      ...ids.slice(12),
    ]);
  });
});

Deno.test("Rooms.create() and join() refuse an account being deleted as signed out, and store no membership", async () => {
  await withRooms(async (rooms, kv) => {
    const room = await created(rooms, "alice", "Open");
    await kv.set(keys.user("bob"), { id: "bob", name: "bob", disabled: true, deleting: true });
    assertRefused(await rooms.create("bob", "Late"), 401, "Not signed in");
    assertRefused(await rooms.join("bob", room), 401, "Not signed in");
    assertRefused(await rooms.join("nobody", room), 401, "Not signed in");
    assert.equal(await entryCount(kv, keys.userRooms("bob")), 0);
    assert.equal(await entryCount(kv, keys.roomMembers(room)), 1);
  });
});
