/**
 * Integration tests of the `activity` notice: a member whose socket does not follow a
 * conversation (not on its loaded pages, not shown) hears of its new message, so the list can
 * put it first; a socket that follows the room gets the message instead, and a non-member never
 * hears of it. On one server, across the workers of `deno serve --parallel` (BroadcastChannel)
 * and across two processes sharing Redis.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conversation, ConversationPage } from "../lib/common/api_types.ts";
import type { ServerFrame } from "../lib/common/protocol.ts";
import {
  api,
  createRoom,
  openSocket,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { spawnServer, withRedisPair } from "./helpers/server_process.ts";
import { withTestServer } from "./helpers/test_server.ts";
import { ACTIVITY_REFRESH_MS } from "../lib/rooms/conversation_index.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";

/** Whether a frame is the `activity` notice of `room`. */
function isActivityOf(room: string) {
  return (frame: ServerFrame) =>
    frame.type === "user_event" && frame.event.kind === "activity" &&
    frame.event.roomId === room;
}

/** Sends one message and waits for its ack; returns the stored seq. */
async function say(socket: TestSocket, room: string, clientId: string, text: string) {
  socket.send({ type: "send", room, clientId, text });
  return (await socket.next("ack", (f) => f.clientId === clientId)).seq;
}

/** Opens a socket for `user` on `url` that lands on another node than `other` (workers). */
async function socketApart(url: string, user: TestUser, other: string): Promise<TestSocket> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const socket = new TestSocket(url, user);
    if ((await socket.next("welcome")).node !== other) return socket;
    await socket.close();
  }
  throw new Error("every socket landed on one node");
}

/**
 * Bob (on `urlA`) writes in a room he shares with Alice, whose socket (on `urlB`, on another
 * node than Bob's when `apart`) follows no room: she is told, Carol (not a member, on `urlB`)
 * is not, as a later notice of Carol's own room proves (one publisher's events arrive in order).
 * `apart`: `urlA` and `urlB` are the workers of one server, which may have created the rooms
 * on the node of Bob's socket.
 */
async function noticeCrossesNodes(urlA: string, urlB: string, apart: boolean): Promise<void> {
  const alice = await registerUser(urlB, "alice");
  const bob = await registerUser(urlA, "bob");
  const carol = await registerUser(urlB, "carol");
  // The joins' messages refresh the rooms' activity entries on the process that stored them,
  // and the notice goes with a refresh: created on B, the rooms' first message on A is A's
  // first refresh. A worker of `--parallel` may have stored them itself: it tells the members
  // again once the rooms have been quiet that long.
  const room = await createRoom(urlB, bob, [alice], "ours");
  const carols = await createRoom(urlB, bob, [carol], "carols");
  if (apart) await new Promise((resolve) => setTimeout(resolve, ACTIVITY_REFRESH_MS));
  const sockets: TestSocket[] = [];
  try {
    const b = await openSocket(urlA, bob);
    sockets.push(b);
    const bobNode = (await b.next("welcome")).node;
    const a = apart ? await socketApart(urlB, alice, bobNode) : await openSocket(urlB, alice);
    sockets.push(a);
    const c = apart ? await socketApart(urlB, carol, bobNode) : await openSocket(urlB, carol);
    sockets.push(c);

    await say(b, room.id, "cross-0001", "are you there?");
    await a.next("user_event", (frame) => isActivityOf(room.id)(frame));
    await say(b, carols.id, "cross-0002", "only for carol");
    await c.next("user_event", (frame) => isActivityOf(carols.id)(frame));
    assert.ok(!c.frames.some(isActivityOf(room.id)), "a non-member heard of the room");
  } finally {
    for (const socket of sockets) await socket.close();
  }
}

Deno.test("a member whose socket does not follow an old conversation is told of its new message and finds it first in the list; a following socket and a non-member are not told", async () => {
  // The store writes a room's activity entries, and names the members to tell, at most once
  // per ACTIVITY_REFRESH_MS: the clock moves that far before each message.
  const clock = new FakeClock(Date.now());
  const later = () => clock.advance(ACTIVITY_REFRESH_MS);
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const old = await createRoom(server.url, bob, [alice], "old");
    const b = await openSocket(server.url, bob);
    // Newer conversations push the old one off Alice's first page of two.
    for (const name of ["n1", "n2", "n3"]) {
      const newer = await createRoom(server.url, bob, [alice], name);
      later();
      await say(b, newer.id, `${name}-000001`, `news in ${name}`);
    }
    const firstPage = async () => {
      const answer = await api<ConversationPage>(
        server.url,
        alice,
        "GET",
        "/api/conversations?limit=2",
      );
      assert.equal(answer.status, 200);
      return answer.body.conversations.map((c) => c.room.id);
    };
    assert.ok(!(await firstPage()).includes(old.id));
    const idle = await openSocket(server.url, alice);
    const following = await openSocket(server.url, alice);
    await following.subscribe(old.id);
    const stranger = await openSocket(server.url, carol);

    later();
    const seq = await say(b, old.id, "old-000001", "remember me?");
    await idle.next("user_event", (frame) => isActivityOf(old.id)(frame));
    // The notice goes out before the message is delivered: it would have come first.
    await following.waitForMessages(old.id, 1);
    assert.ok(!following.frames.some(isActivityOf(old.id)), "a following socket was told");
    assert.equal((await firstPage())[0], old.id);
    const looked = await api<Conversation>(
      server.url,
      alice,
      "GET",
      `/api/conversations/${old.id}`,
    );
    assert.equal(looked.status, 200);
    assert.equal(looked.body.last?.seq, seq);
    assert.equal(looked.body.last?.preview, "remember me?");
    assert.equal(looked.body.read?.unread, 1);

    // Carol is in none of these rooms: the notices she gets are all of her own room's (its
    // join message, then Bob's), and the last of them came after Alice's.
    const carols = await createRoom(server.url, bob, [carol], "carols");
    later();
    await say(b, carols.id, "carol-0001", "hi carol");
    await stranger.next("user_event", (frame) => isActivityOf(carols.id)(frame));
    const heard = new Set(
      stranger.frames.flatMap((frame) =>
        frame.type === "user_event" && frame.event.kind === "activity" ? [frame.event.roomId] : []
      ),
    );
    assert.deepEqual([...heard], [carols.id]);
    for (const socket of [b, idle, following, stranger]) await socket.close();
  }, { clock });
});

Deno.test("a member's socket on another worker of deno serve --parallel is told of a message in a room it does not follow, a non-member's is not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = await spawnServer({
      kvPath: `${dir}/chat.kv`,
      parallel: true,
      env: { DENO_JOBS: "2" },
    });
    try {
      await noticeCrossesNodes(server.url, server.url, true);
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two server processes sharing Redis: a member's socket on one is told of a message sent on the other in a room it does not follow, a non-member's is not", () =>
  withRedisPair({}, (a, b) => noticeCrossesNodes(a.url, b.url, false)));
