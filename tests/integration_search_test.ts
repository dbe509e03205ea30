/**
 * Message search over a real server, real KV and real WebSockets: what a user finds (Chinese,
 * English, mixed; edits and deletes as they are now), what they never find (rooms they left,
 * were kicked or banned from, or that were deleted), filters, paging, bad input and the rate
 * limit. The clock is fake so times and the rate limit are exact; each search first moves it
 * on a second, except where the test is about the rate.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { SearchPage } from "../lib/common/api_types.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { MESSAGE_SEARCH_BURST } from "../lib/search/message_search.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { encodePng } from "./helpers/png.ts";
import { indexedPostings } from "./helpers/search_postings.ts";
import {
  api,
  befriend,
  createRoom,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";
import { uploadFile } from "./helpers/upload.ts";

type Answer = SearchPage & { code?: string; error?: string; retryAfterSeconds?: number };

/** Searches as `user` with `params`, a second after the previous search. */
async function search(
  server: TestServer,
  clock: FakeClock | undefined,
  user: TestUser,
  params: Record<string, string | number>,
) {
  clock?.advance(1000);
  const query = new URLSearchParams(
    Object.entries(params).map(([name, value]) => [name, String(value)]),
  );
  return await api<Answer>(server.url, user, "GET", `/api/search?${query}`);
}

/** The texts found for `q`, newest first. */
async function texts(server: TestServer, clock: FakeClock, user: TestUser, q: string) {
  const found = await search(server, clock, user, { q });
  assert.equal(found.status, 200, found.body.error);
  return found.body.hits.map((hit) => hit.text);
}

let sends = 0;
/** Sends `text` (and attachments) to `room` and waits for the ack: then it is stored. */
async function post(
  socket: TestSocket,
  room: string,
  text: string,
  attachments?: { id: string }[],
) {
  const clientId = `search-${sends++}`;
  socket.send({ type: "send", room, clientId, text, ...(attachments ? { attachments } : {}) });
  return await socket.next("ack", (frame) => frame.clientId === clientId);
}

function withClock(fn: (server: TestServer, clock: FakeClock) => Promise<void>) {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  return withTestServer((server) => fn(server, clock), { clock });
}

Deno.test("a message is found as soon as its send is acknowledged, in Chinese, English and mixed", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await createRoom(server.url, alice, [bob], "项目组");
    const socket = await openSocket(server.url, alice);
    try {
      await post(socket, room.id, "我们明天在北京开会议");
      assert.deepEqual(await texts(server, clock, bob, "北京 会议"), ["我们明天在北京开会议"]);
      clock.advance(1000);
      await post(socket, room.id, "The Café meeting moved to Friday");
      clock.advance(1000);
      await post(socket, room.id, "把会议纪要发给Bob");
      assert.deepEqual(await texts(server, clock, bob, "CAFE meeting"), [
        "The Café meeting moved to Friday",
      ]);
      assert.deepEqual(await texts(server, clock, bob, "会议"), [
        "把会议纪要发给Bob",
        "我们明天在北京开会议",
      ]);
      assert.deepEqual(await texts(server, clock, bob, "bob 会议"), ["把会议纪要发给Bob"]);
      assert.deepEqual(await texts(server, clock, bob, "meet"), [
        "The Café meeting moved to Friday",
      ]);
      assert.deepEqual(await texts(server, clock, bob, "meet "), [], "a finished word is whole");
      const [hit] = (await search(server, clock, bob, { q: "friday" })).body.hits;
      assert.equal(hit?.roomName, "项目组");
      assert.equal(hit?.author, alice.name);
      assert.equal(hit?.room, room.id);
      assert.equal(hit?.direct, false);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("leaving, a kick, a ban or the room's deletion hide its messages from search", async () => {
  await withClock(async (server, clock) => {
    const owner = await registerUser(server.url, "owner");
    const [leaver, kicked, banned] = [
      await registerUser(server.url, "leaver"),
      await registerUser(server.url, "kicked"),
      await registerUser(server.url, "banned"),
    ];
    const stranger = await registerUser(server.url, "stranger");
    const room = await createRoom(server.url, owner, [leaver, kicked, banned]);
    const socket = await openSocket(server.url, owner);
    try {
      await post(socket, room.id, "secret launch plan 发布计划");
      for (const user of [owner, leaver, kicked, banned]) {
        assert.equal((await texts(server, clock, user, "launch plan")).length, 1);
      }
      assert.deepEqual(await texts(server, clock, stranger, "launch plan"), []);
      await api(server.url, leaver, "POST", `/api/rooms/${room.id}/leave`);
      await api(server.url, owner, "POST", `/api/rooms/${room.id}/members/${kicked.id}/kick`);
      await api(server.url, owner, "POST", `/api/rooms/${room.id}/members/${banned.id}/ban`);
      for (const user of [leaver, kicked, banned]) {
        assert.deepEqual(await texts(server, clock, user, "launch plan"), [], user.name);
        const filtered = await search(server, clock, user, { q: "launch", room: room.id });
        assert.equal(filtered.status, 404, "a room filter cannot probe a room one left");
      }
      assert.equal((await texts(server, clock, owner, "发布计划")).length, 1);
      assert.equal((await api(server.url, owner, "DELETE", `/api/rooms/${room.id}`)).status, 204);
      assert.deepEqual(await texts(server, clock, owner, "发布计划"), []);
      // Its postings may stay in the index, but none names a message that is still stored.
      const postings = (await indexedPostings(server.kv)).filter((p) => p.room === room.id);
      assert.ok(postings.length > 0, "the room's message was indexed");
      for (const { seq } of postings) {
        assert.equal((await server.kv.get(keys.message(room.id, seq))).versionstamp, null);
      }
    } finally {
      await socket.close();
    }
  });
});

Deno.test("after a block both members still find their direct conversation, as they still read it", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const dm = await api<{ room: { id: string } }>(server.url, alice, "POST", "/api/dms", {
      username: bob.name,
    });
    const socket = await openSocket(server.url, alice);
    try {
      await post(socket, dm.body.room.id, "the address is 42 Wall Street");
      const [before] = (await search(server, clock, bob, { q: "wall street" })).body.hits;
      assert.equal(before?.direct, true);
      assert.equal(before?.roomName, alice.name, "a new user's display name is their username");
      await api(server.url, bob, "POST", "/api/friends/blocks", { username: alice.name });
      assert.equal((await texts(server, clock, bob, "wall street")).length, 1);
      assert.equal((await texts(server, clock, alice, "wall street")).length, 1);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("an edited message is found by its new text only, a deleted one not at all", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const socket = await openSocket(server.url, alice);
    try {
      const sent = await post(socket, room.id, "dinner at the noodle place");
      socket.send({
        type: "edit",
        room: room.id,
        clientId: "edit-search-1",
        target: sent.seq,
        text: "dinner at the 饺子 place",
      });
      await socket.next("ack", (frame) => frame.clientId === "edit-search-1");
      assert.deepEqual(await texts(server, clock, alice, "noodle"), []);
      assert.deepEqual(await texts(server, clock, alice, "dinner 饺子"), [
        "dinner at the 饺子 place",
      ]);
      socket.send({ type: "delete", room: room.id, clientId: "delete-search-1", target: sent.seq });
      await socket.next("ack", (frame) => frame.clientId === "delete-search-1");
      assert.deepEqual(await texts(server, clock, alice, "dinner"), []);
      assert.deepEqual(await texts(server, clock, alice, "饺子"), []);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("filters: one conversation, one sender, a time range, files and images", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const general = await createRoom(server.url, alice, [bob], "general");
    const other = await createRoom(server.url, alice, [bob], "other");
    const [sa, sb] = [await openSocket(server.url, alice), await openSocket(server.url, bob)];
    try {
      const png = encodePng(4, 4, () => [200, 10, 10]);
      const image = (await uploadFile(server.url, alice, png, "photo.png", "image/png")).body;
      const doc = new TextEncoder().encode("plain notes");
      const file = (await uploadFile(server.url, bob, doc, "notes.txt", "text/plain")).body;
      await post(sa, general.id, "report draft one");
      const early = clock.now();
      clock.advance(60_000);
      await post(sb, general.id, "report draft two", [{ id: file.id }]);
      clock.advance(60_000);
      const late = clock.now();
      await post(sa, other.id, "report draft three", [{ id: image.id }]);
      const q = "report draft";
      const only = async (params: Record<string, string | number>) => {
        const found = await search(server, clock, bob, { q, ...params });
        assert.equal(found.status, 200, found.body.error);
        return found.body.hits.map((hit) => hit.text);
      };
      assert.deepEqual(await only({}), [
        "report draft three",
        "report draft two",
        "report draft one",
      ]);
      assert.deepEqual(await only({ room: general.id }), ["report draft two", "report draft one"]);
      assert.deepEqual(await only({ from: alice.name }), [
        "report draft three",
        "report draft one",
      ]);
      assert.deepEqual(await only({ from: "nobody-like-this" }), []);
      assert.deepEqual(await only({ after: early }), ["report draft three", "report draft two"]);
      assert.deepEqual(await only({ before: late }), ["report draft two", "report draft one"]);
      assert.deepEqual(await only({ has: "file" }), ["report draft three", "report draft two"]);
      assert.deepEqual(await only({ has: "image" }), ["report draft three"]);
      const [withImage] = (await search(server, clock, bob, { q: "photo" })).body.hits;
      assert.deepEqual(withImage?.files, ["photo.png"], "attachment names are searched");
    } finally {
      await sa.close();
      await sb.close();
    }
  });
});

Deno.test("pages walk every match once, newest first; tampered cursors and limits are refused", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const rooms = [await createRoom(server.url, alice), await createRoom(server.url, alice)];
    const socket = await openSocket(server.url, alice);
    try {
      const sent: string[] = [];
      for (let i = 0; i < 25; i++) {
        // Pairs share a millisecond across the two rooms: the order breaks ties by room, seq.
        if (i % 2 === 0) clock.advance(5);
        const text = `status update ${i} 更新`;
        await post(socket, rooms[i % 2]!.id, text);
        sent.push(text);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const params: Record<string, string | number> = { q: "更新 status", limit: 7 };
        if (cursor) params.cursor = cursor;
        const page = await search(server, clock, alice, params);
        assert.equal(page.status, 200, page.body.error);
        seen.push(...page.body.hits.map((hit) => hit.text));
        cursor = page.body.nextCursor;
      } while (cursor);
      const newestFirst = (await search(server, clock, alice, { q: "status", limit: 50 })).body;
      assert.deepEqual(seen, newestFirst.hits.map((hit) => hit.text));
      assert.deepEqual([...seen].sort(), [...sent].sort());
      for (const cursor of ["not-a-cursor", btoa("1.2"), "%%", "x".repeat(300)]) {
        const refused = await search(server, clock, alice, { q: "status", cursor });
        assert.equal(refused.status, 400, cursor);
        assert.equal(refused.body.code, "refusal.badCursor");
      }
      for (const limit of ["0", "51", "-1", "1e3", "ten"]) {
        const refused = await search(server, clock, alice, { q: "status", limit });
        assert.equal(refused.status, 400, limit);
      }
    } finally {
      await socket.close();
    }
  });
});

Deno.test("bad queries get a clear 400: empty, one character, 10,000 characters, only stop words", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const cases: [Record<string, string>, string][] = [
      [{}, "refusal.invalidQuery"],
      [{ q: "" }, "refusal.searchTooShort"],
      [{ q: "会" }, "refusal.searchTooShort"],
      [{ q: "x".repeat(10_000) }, "refusal.searchTooLong"],
      [{ q: "the of 的 了" }, "refusal.searchNoWords"],
      [{ q: ".*+?^$" }, "refusal.searchNoWords"],
      [
        { q: "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii" },
        "refusal.searchTooManyWords",
      ],
      [{ q: "hello", has: "video" }, "refusal.invalidQuery"],
      [{ q: "hello", before: "yesterday" }, "refusal.invalidQuery"],
      [{ q: "hello", room: "../etc" }, "refusal.invalidQuery"],
    ];
    for (const [params, code] of cases) {
      const refused = await search(server, clock, alice, params);
      assert.equal(refused.status, 400, JSON.stringify(params).slice(0, 80));
      assert.equal(refused.body.code, code);
      assert.ok(refused.body.error);
    }
    const regex = await search(server, clock, alice, { q: "(foo|bar)*" });
    assert.deepEqual(regex.body, { hits: [] }, "regex characters are plain punctuation");
    const anonymous = await fetch(`${server.url}/api/search?q=hello`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
  });
});

Deno.test("searches are rate limited per user, with the wait to retry", async () => {
  await withClock(async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    for (let i = 0; i < MESSAGE_SEARCH_BURST; i++) {
      assert.equal((await search(server, undefined, alice, { q: "hello" })).status, 200);
    }
    const limited = await search(server, undefined, alice, { q: "hello" });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "refusal.searchRateLimited");
    assert.ok(limited.body.retryAfterSeconds! >= 1);
    assert.equal((await search(server, undefined, bob, { q: "hello" })).status, 200);
    clock.advance(1000);
    assert.equal((await search(server, undefined, alice, { q: "hello" })).status, 200);
  });
});
