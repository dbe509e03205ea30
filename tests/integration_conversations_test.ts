/**
 * Integration tests of the conversation list (`GET /api/conversations`): group rooms and
 * direct conversations together, most recent activity first, with the newest message's
 * preview; cursor pages that cover every conversation once; only the user's own rooms; the
 * order after new messages, leaving, deletion and joining again in many rooms, and in a room too
 * big for the per-member activity index; and the first page for a user in 500 conversations
 * (its latency is printed).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conversation, ConversationPage, DirectRoom } from "../lib/common/api_types.ts";
import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { Rooms } from "../lib/rooms/rooms.ts";
import { INDEXED_ROOM_MAX_MEMBERS } from "../lib/rooms/conversation_index.ts";
import {
  api,
  befriend,
  createRoom,
  openSocket,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

async function openDm(server: TestServer, user: TestUser, other: TestUser): Promise<DirectRoom> {
  const opened = await api<{ room: DirectRoom }>(server.url, user, "POST", "/api/dms", {
    username: other.name,
  });
  assert.equal(opened.status, 200);
  return opened.body.room;
}

async function page(server: TestServer, user: TestUser, query = ""): Promise<ConversationPage> {
  const answer = await api<ConversationPage>(server.url, user, "GET", `/api/conversations${query}`);
  assert.equal(answer.status, 200);
  return answer.body;
}

/** Sends one message and waits for its ack; returns the ack's `at`. */
async function say(socket: TestSocket, room: string, clientId: string, text: string) {
  socket.send({ type: "send", room, clientId, text });
  return (await socket.next("ack", (f) => f.clientId === clientId)).at;
}

const ids = (conversations: Conversation[]) => conversations.map((c) => c.room.id);

/**
 * Activity is a millisecond clock, and two acks can come within one millisecond: tests that
 * expect one message to be newer than the previous wait for the next millisecond first.
 */
function nextMillisecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2));
}

Deno.test("conversations list groups and direct conversations by last activity, with previews", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await befriend(server.url, alice, bob);
    const quiet = await createRoom(server.url, alice, [], "quiet");
    const busy = await createRoom(server.url, alice, [bob], "busy");
    const dm = await openDm(server, alice, bob);
    const a = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);

    const busyAt = await say(b, busy.id, "busy-00001", "hello busy room");
    await nextMillisecond();
    const long = "🦕".repeat(100);
    const dmAt = await say(b, dm.id, "dm-0000001", long);
    let first = await page(server, alice);
    assert.deepEqual(ids(first.conversations), [dm.id, busy.id, quiet.id]);
    assert.equal(first.nextCursor, undefined);
    const [direct, group, empty] = first.conversations;
    assert.equal(direct!.room.kind, "direct");
    assert.ok(direct!.room.kind === "direct" && direct!.room.peer.id === bob.id);
    assert.deepEqual(direct!.last, {
      seq: 1,
      at: dmAt,
      author: bob.name,
      from: bob.id,
      preview: "🦕".repeat(80),
    });
    assert.equal(direct!.activity, dmAt);
    assert.equal(group!.room.kind, "group");
    assert.equal(group!.room.name, "busy");
    assert.equal(group!.last?.preview, "hello busy room");
    assert.equal(group!.last?.at, busyAt);
    assert.equal(empty!.last, undefined);
    assert.ok(empty!.activity <= busyAt);

    await nextMillisecond();
    await say(a, quiet.id, "quiet-0001", "now I am the newest");
    first = await page(server, alice);
    assert.deepEqual(ids(first.conversations), [quiet.id, dm.id, busy.id]);
    assert.equal(first.conversations[0]!.last?.author, alice.name);
    const bobs = await page(server, bob);
    assert.deepEqual(ids(bobs.conversations), [dm.id, busy.id], "bob is not in quiet");
    await a.close();
    await b.close();
  });
});

Deno.test("conversation pages cover every room of the user exactly once and never another's", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const carol = await registerUser(server.url, "carol");
    const mine: string[] = [];
    for (let i = 0; i < 7; i++) mine.push((await createRoom(server.url, alice, [], `r${i}`)).id);
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push((await createRoom(server.url, carol, [], `c${i}`)).id);
    const a = await openSocket(server.url, alice);
    const c = await openSocket(server.url, carol);
    for (const [i, room] of [mine[2]!, mine[5]!, mine[0]!].entries()) {
      await say(a, room, `mine-${i}-0000`, `message ${i}`);
      await nextMillisecond();
    }
    for (const [i, room] of others.entries()) await say(c, room, `other-${i}-000`, "not yours");

    const seen: Conversation[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const next = await page(server, alice, query);
      assert.ok(next.conversations.length <= 3);
      seen.push(...next.conversations);
      cursor = next.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual([...ids(seen)].sort(), [...mine].sort());
    assert.deepEqual(ids(seen).slice(0, 3), [mine[0], mine[5], mine[2]]);
    const activities = seen.map((conversation) => conversation.activity);
    assert.deepEqual(activities, [...activities].sort((x, y) => y - x));

    for (const bad of ["?limit=0", "?limit=101", "?limit=abc", "?limit=2.5"]) {
      const answer = await api(server.url, alice, "GET", `/api/conversations${bad}`);
      assert.equal(answer.status, 400, bad);
    }
    const anonymous = await fetch(`${server.url}/api/conversations`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    await a.close();
    await c.close();
  });
});

Deno.test("a user in 500 conversations gets the first page of 50 by last activity, and the chat page lists the same sidebar", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const friends = await Promise.all([0, 1, 2, 3].map((i) => registerUser(server.url, `f${i}`)));
    const dms: DirectRoom[] = [];
    for (const friend of friends) {
      await befriend(server.url, alice, friend);
      dms.push(await openDm(server, alice, friend));
    }
    const rooms = new Rooms(server.kv, systemClock);
    const groups: string[] = [];
    for (let i = 0; i < 496; i++) {
      const created = await rooms.create(alice.id, `room ${i}`);
      assert.ok(created.ok);
      groups.push(created.room.id);
    }
    // Messages in a subset: every fifth group room and two of the DMs, oldest first.
    // One millisecond apart, after every join, so the expected order has no ties.
    let now = Date.now() + 1000;
    const store = new KvMessageStore(server.kv, { now: () => now++ });
    const active = [...groups.filter((_, i) => i % 5 === 0), dms[1]!.id, dms[3]!.id];
    for (const [i, room] of active.entries()) {
      const draft: MessageDraft = {
        room,
        from: alice.id,
        author: alice.name,
        clientId: `seed-${String(i).padStart(6, "0")}`,
        text: `seeded ${i}`,
      };
      await store.append([draft]);
    }

    await page(server, alice, "?limit=1");
    const timings: number[] = [];
    let first: ConversationPage | undefined;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      first = await page(server, alice);
      timings.push(performance.now() - started);
    }
    timings.sort((x, y) => x - y);
    console.log(
      `first page of 50 for a user in 500 conversations (5 runs): ` +
        `min ${timings[0]!.toFixed(1)} ms, median ${timings[2]!.toFixed(1)} ms`,
    );
    first = first!;
    assert.equal(first.conversations.length, 50);
    assert.ok(first.nextCursor);
    assert.deepEqual(ids(first.conversations).slice(0, 50), [...active].reverse().slice(0, 50));
    assert.ok(first.conversations.every((c) => c.last !== undefined));

    let total = first.conversations.length;
    let cursor: string | undefined = first.nextCursor;
    const all = new Set(ids(first.conversations));
    while (cursor) {
      const next = await page(server, alice, `?limit=100&cursor=${encodeURIComponent(cursor)}`);
      total += next.conversations.length;
      for (const id of ids(next.conversations)) all.add(id);
      cursor = next.nextCursor;
    }
    assert.equal(total, 500);
    assert.equal(all.size, 500);

    const pageStarted = performance.now();
    const chatPage = await fetch(`${server.url}/`, { headers: { cookie: alice.cookie } });
    assert.equal(chatPage.status, 200);
    const html = await chatPage.text();
    console.log(`chat page (/) for that user: ${(performance.now() - pageStarted).toFixed(0)} ms`);
    // The page brings the first page of the conversation list and nothing that grows with the
    // memberships: no whole list of joined rooms or DMs.
    const props = JSON.parse(
      html.match(/<script[^>]*data-island-props[^>]*>(.*?)<\/script>/s)![1]!,
    ) as { conversations: ConversationPage; rooms?: unknown; dms?: unknown };
    assert.deepEqual(ids(props.conversations.conversations), ids(first.conversations));
    assert.equal(props.rooms, undefined);
    assert.equal(props.dms, undefined);

    // A conversation far down the list, by its id (a link to it), as its page lists it.
    const oldest = (await walk(server, alice, 100)).at(-1)!;
    const one = await api<Conversation>(
      server.url,
      alice,
      "GET",
      `/api/conversations/${encodeURIComponent(oldest.room.id)}`,
    );
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, oldest);

    // What following every conversation on connect would cost: the browser client sends a
    // subscribe and a newest-history request per followed room (the island follows only the
    // loaded pages).
    const socket = await openSocket(server.url, alice);
    const followStarted = performance.now();
    for (const id of all) {
      socket.send({ type: "subscribe", room: id });
      socket.send({ type: "history", room: id, ref: `h-${id}` });
    }
    const histories = () => socket.frames.filter((f) => f.type === "history").length;
    await socket.next("history", () => histories() >= 500, 30_000);
    const answered = histories();
    const followMs = performance.now() - followStarted;
    console.log(`subscribe + history for 500 rooms on one socket: ${followMs.toFixed(0)} ms`);
    assert.equal(answered, 500);
    await socket.close();
  });
});

/** Every conversation of the user, walking the pages `limit` at a time. */
async function walk(server: TestServer, user: TestUser, limit: number): Promise<Conversation[]> {
  const seen: Conversation[] = [];
  let cursor: string | undefined;
  do {
    const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const next = await page(server, user, query);
    seen.push(...next.conversations);
    cursor = next.nextCursor;
  } while (cursor);
  const activities = seen.map((conversation) => conversation.activity);
  assert.deepEqual(activities, [...activities].sort((x, y) => y - x), "newest first");
  assert.equal(new Set(ids(seen)).size, seen.length, "each conversation once");
  return seen;
}

Deno.test("the list of a user in many rooms follows new messages, leaving and deletion, page by page", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const rooms = new Rooms(server.kv, systemClock);
    const all: string[] = [];
    for (let i = 0; i < 30; i++) {
      const created = await rooms.create(alice.id, `room ${i}`);
      assert.ok(created.ok);
      assert.ok((await rooms.join(bob.id, created.room.id)).ok);
      all.push(created.room.id);
    }
    await nextMillisecond();
    const b = await openSocket(server.url, bob);
    const at = new Map<string, number>();
    for (const i of [5, 12, 20, 3]) {
      at.set(all[i]!, await say(b, all[i]!, `first-${i}-0000`, `hello ${i}`));
      await nextMillisecond();
    }
    let seen = await walk(server, alice, 4);
    assert.deepEqual(ids(seen).slice(0, 4), [all[3], all[20], all[12], all[5]]);
    assert.deepEqual([...ids(seen)].sort(), [...all].sort());
    for (const conversation of seen.slice(0, 4)) {
      assert.equal(conversation.activity, at.get(conversation.room.id));
      assert.equal(conversation.last?.at, conversation.activity);
    }

    // A new message moves its room to the top, once, and its preview with it.
    await say(b, all[5]!, "again-5-00000", "back on top");
    seen = await walk(server, alice, 4);
    assert.deepEqual(ids(seen).slice(0, 4), [all[5], all[3], all[20], all[12]]);
    assert.equal(seen[0]!.last?.preview, "back on top");
    assert.equal(seen.length, 30);

    // A room the user left is gone from their list, even after new messages in it.
    const left = await api(server.url, bob, "POST", `/api/rooms/${all[3]}/leave`);
    assert.equal(left.status, 204);
    await nextMillisecond();
    const a = await openSocket(server.url, alice);
    await say(a, all[3]!, "after-leave-0", "bob is gone");
    let bobs = await walk(server, bob, 4);
    assert.equal(bobs.length, 29);
    assert.ok(!ids(bobs).includes(all[3]!));
    assert.equal(ids(await walk(server, alice, 7))[0], all[3]);

    // A deleted room is gone from every member's list.
    const deleted = await api(server.url, alice, "DELETE", `/api/rooms/${all[20]}`);
    assert.equal(deleted.status, 204);
    bobs = await walk(server, bob, 4);
    assert.equal(bobs.length, 28);
    assert.ok(!ids(bobs).includes(all[20]!));
    seen = await walk(server, alice, 5);
    assert.equal(seen.length, 29);
    assert.ok(!ids(seen).includes(all[20]!));
    assert.deepEqual(ids(seen).slice(0, 3), [all[3], all[5], all[12]]);

    // Joining again puts the room back, at the join.
    await nextMillisecond();
    assert.ok((await rooms.join(bob.id, all[3]!)).ok);
    bobs = await walk(server, bob, 4);
    assert.equal(bobs.length, 29);
    assert.equal(ids(bobs)[0], all[3]);
    await a.close();
    await b.close();
  });
});

Deno.test("a room over the indexed size is listed by its newest message for every member, late joiners too", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const rooms = new Rooms(server.kv, systemClock);
    const small = await rooms.create(alice.id, "small");
    const big = await rooms.create(alice.id, "big");
    assert.ok(small.ok && big.ok);
    for (let i = 0; i < INDEXED_ROOM_MAX_MEMBERS; i++) {
      // An account of its own: a membership needs a live one.
      await server.kv.set(keys.user(`filler${i}`), { id: `filler${i}`, name: `filler${i}` });
      assert.ok((await rooms.join(`filler${i}`, big.room.id)).ok);
    }
    await nextMillisecond();
    const a = await openSocket(server.url, alice);
    await say(a, small.room.id, "small-1-00000", "small first");
    await nextMillisecond();
    const bigAt = await say(a, big.room.id, "big-1-0000000", "big second");
    let first = await page(server, alice);
    assert.deepEqual(ids(first.conversations), [big.room.id, small.room.id]);
    assert.equal(first.conversations[0]!.activity, bigAt);

    await nextMillisecond();
    await say(a, small.room.id, "small-2-00000", "small again");
    first = await page(server, alice);
    assert.deepEqual(ids(first.conversations), [small.room.id, big.room.id]);

    // Bob joins the big room after it grew past the index, then it gets a message.
    assert.ok((await rooms.join(bob.id, big.room.id)).ok);
    assert.ok((await rooms.join(bob.id, small.room.id)).ok);
    await nextMillisecond();
    const lastAt = await say(a, big.room.id, "big-2-0000000", "for bob too");
    const bobs = await page(server, bob);
    assert.deepEqual(ids(bobs.conversations), [big.room.id, small.room.id]);
    assert.equal(bobs.conversations[0]!.activity, lastAt);
    assert.equal(bobs.conversations[0]!.last?.preview, "for bob too");
    await a.close();
  });
});

Deno.test("GET /api/conversations/:id answers the user's own conversation, a DM with its peer, and 404 for any other room", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    await befriend(server.url, alice, bob);
    const dm = await openDm(server, alice, bob);
    const mine = await createRoom(server.url, alice, [], "mine");
    const theirs = await createRoom(server.url, carol, [], "theirs");
    const one = (user: TestUser, id: string) =>
      api<Conversation & { code?: string }>(server.url, user, "GET", `/api/conversations/${id}`);

    const room = await one(alice, mine.id);
    assert.equal(room.status, 200);
    assert.equal(room.body.room.kind, "group");
    assert.equal(room.body.room.name, "mine");
    const direct = await one(bob, dm.id);
    assert.equal(direct.status, 200);
    assert.equal(direct.body.room.kind === "direct" && direct.body.room.peer.id, alice.id);

    for (
      const [user, id] of [[alice, theirs.id], [carol, dm.id], [alice, "no-such-room"]] as const
    ) {
      const refused = await one(user, id);
      assert.equal(refused.status, 404, `${user.name} asking for ${id}`);
      assert.equal(refused.body.code, "refusal.noSuchRoom");
    }
    assert.equal((await one(alice, "x".repeat(3000))).status, 404);
    const anonymous = await fetch(`${server.url}/api/conversations/${mine.id}`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
  });
});
