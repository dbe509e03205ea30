/**
 * Integration tests of Discover: public rooms are read from the `public_room` index a page at a
 * time, newest first, with a cursor; private, direct, joined and deleted rooms are never
 * listed, renames show at once, and rooms stored before the index are added at startup.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DiscoverPage, RoomLists, RoomSummary } from "../lib/common/api_types.ts";
import { readConfig } from "../lib/server/config.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import type { RoomRecord } from "../lib/rooms/room_record.ts";
import { api, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { startTestServer, type TestServer, withTestServer } from "./helpers/test_server.ts";

function withServer(
  fn: (server: TestServer, clock: FakeClock) => Promise<void>,
): Promise<void> {
  const clock = new FakeClock();
  return withTestServer((server) => fn(server, clock), {
    clock,
    config: { limits: { ...readConfig({}).limits, roomsPerHour: 1_000 } },
  });
}

async function create(
  server: TestServer,
  owner: TestUser,
  name: string,
  visibility: "public" | "private" = "public",
): Promise<RoomSummary> {
  const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
    name,
    visibility,
  });
  assert.equal(created.status, 201);
  return created.body.room;
}

function discover(server: TestServer, user: TestUser, query = "") {
  return api<DiscoverPage & { error?: string }>(
    server.url,
    user,
    "GET",
    `/api/rooms/discover${query}`,
  );
}

/** Every Discover page for `user` at `limit`, following `nextCursor` to the end. */
async function walk(server: TestServer, user: TestUser, limit: number): Promise<RoomSummary[][]> {
  const pages: RoomSummary[][] = [];
  let cursor: string | undefined;
  do {
    const query = `?limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");
    const page = await discover(server, user, query);
    assert.equal(page.status, 200);
    pages.push(page.body.rooms);
    cursor = page.body.nextCursor;
    assert.ok(pages.length <= 200, "the walk ends");
  } while (cursor);
  return pages;
}

/** Newest first; rooms created in the same millisecond by id, descending (the key order). */
function newestFirst(rooms: RoomSummary[]): RoomSummary[] {
  return [...rooms].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

Deno.test("Discover pages through every public room newest first, at any page size, and never lists a private room", async () => {
  await withServer(async (server, clock) => {
    const owners = [await registerUser(server.url, "ann"), await registerUser(server.url, "ben")];
    const viewer = await registerUser(server.url, "viewer");
    const publicRooms: RoomSummary[] = [];
    for (let i = 0; i < 45; i++) {
      // Three rooms per millisecond: the cursor must split ties without skipping or repeating.
      if (i % 3 === 0) clock.advance(1);
      publicRooms.push(await create(server, owners[i % 2]!, `public ${i}`));
      if (i % 4 === 0) await create(server, owners[i % 2]!, `private ${i}`, "private");
    }
    const expected = newestFirst(publicRooms);

    for (const limit of [1, 7, 20, 45, 100]) {
      const pages = await walk(server, viewer, limit);
      assert.deepEqual(pages.flat(), expected, `limit ${limit}`);
      assert.equal(pages.length, Math.ceil(45 / limit), `pages of ${limit}`);
      assert.ok(pages.every((page) => page.length === limit || page === pages.at(-1)));
    }
    const first = await discover(server, viewer);
    assert.deepEqual(first.body.rooms, expected.slice(0, 20), "20 by default");

    const lists = await api<RoomLists>(server.url, viewer, "GET", "/api/rooms");
    assert.deepEqual(lists.body.discover, expected.slice(0, 20));
    assert.equal(lists.body.discoverCursor, first.body.nextCursor);
    const rest = await discover(server, viewer, `?limit=100&cursor=${lists.body.discoverCursor}`);
    assert.deepEqual(rest.body.rooms, expected.slice(20));
    assert.equal(rest.body.nextCursor, undefined);

    const index = [];
    for await (const entry of server.kv.list({ prefix: keys.publicRooms() })) index.push(entry);
    assert.equal(index.length, 45, "one index entry per public room, none for private ones");
  });
});

Deno.test("Discover skips the viewer's own rooms without short pages, and shows renames and topics at once", async () => {
  await withServer(async (server, clock) => {
    const owner = await registerUser(server.url, "owner");
    const viewer = await registerUser(server.url, "viewer");
    const rooms: RoomSummary[] = [];
    for (let i = 0; i < 12; i++) {
      clock.advance(1);
      rooms.push(await create(server, owner, `room ${i}`));
    }
    const mine = await create(server, viewer, "viewer's own");
    for (const i of [11, 10, 5]) {
      const joined = await api(server.url, viewer, "POST", `/api/rooms/${rooms[i]!.id}/join`);
      assert.equal(joined.status, 200);
    }
    const renamed = await api(server.url, owner, "PATCH", `/api/rooms/${rooms[9]!.id}`, {
      name: "renamed",
      topic: "new topic",
    });
    assert.equal(renamed.status, 204);

    const pages = await walk(server, viewer, 4);
    assert.deepEqual(pages.map((page) => page.length), [4, 4, 1]);
    const listed = pages.flat();
    assert.deepEqual(
      listed.map((room) => room.name),
      ["renamed", "room 8", "room 7", "room 6", "room 4", "room 3", "room 2", "room 1", "room 0"],
    );
    assert.equal(listed[0]!.topic, "new topic");
    assert.ok(!listed.some((room) => room.id === mine.id));
    const owners = await walk(server, owner, 100);
    assert.deepEqual(owners.flat().map((room) => room.id), [mine.id], "the owner sees the rest");
  });
});

Deno.test("a deleted room leaves Discover and the index at once", async () => {
  await withServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const viewer = await registerUser(server.url, "viewer");
    const kept = await create(server, owner, "kept");
    const doomed = await create(server, owner, "doomed");
    assert.equal((await api(server.url, owner, "DELETE", `/api/rooms/${doomed.id}`)).status, 204);
    assert.deepEqual((await discover(server, viewer)).body.rooms, [kept]);
    const entry = await server.kv.get(keys.publicRoom(doomed.createdAt, doomed.id));
    assert.equal(entry.versionstamp, null);
  });
});

Deno.test("GET /api/rooms/discover refuses a bad limit or cursor with 400", async () => {
  await withServer(async (server) => {
    const viewer = await registerUser(server.url, "viewer");
    for (const query of ["?limit=0", "?limit=101", "?limit=abc", "?limit=2.5", "?cursor=nope"]) {
      const refused = await discover(server, viewer, query);
      assert.equal(refused.status, 400, query);
      assert.match(refused.body.error ?? "", /limit|cursor/, query);
    }
    const anonymous = await fetch(`${server.url}/api/rooms/discover`);
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 401);
  });
});

Deno.test("public rooms stored before the index are added to it once, at the next start", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const legacy: RoomRecord = {
      id: "legacy-room-0000000000",
      name: "from before",
      topic: "",
      createdAt: 1_600_000_000_000,
      createdBy: "someone",
      visibility: "public",
    };
    const hidden: RoomRecord = { ...legacy, id: "legacy-private-0000000", visibility: "private" };
    await kv.set(keys.room(legacy.id), legacy);
    await kv.set(keys.room(hidden.id), hidden);
    const server = await startTestServer({ kv });
    try {
      const viewer = await registerUser(server.url, "viewer");
      const { body } = await discover(server, viewer);
      assert.deepEqual(body.rooms.map((room) => room.name), ["from before"]);
    } finally {
      await server.close();
    }
    await kv.delete(keys.publicRoom(legacy.createdAt, legacy.id));
    const again = await startTestServer({ kv });
    try {
      const viewer = await registerUser(again.url, "viewer");
      assert.deepEqual((await discover(again, viewer)).body.rooms, [], "the backfill ran once");
    } finally {
      await again.close();
    }
  } finally {
    kv.close();
  }
});
