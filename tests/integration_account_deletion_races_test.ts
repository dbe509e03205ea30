/**
 * Account deletion against the requests that tie two accounts together, on a real server and a
 * real KV, with the two requests' commits interleaved in a chosen order
 * (`helpers/commit_scheduler.ts`): whichever lands first, once both have finished nothing names
 * the deleted user: no friendship, no friend request either way, no friend digest entry, no
 * block it placed, no room membership, no invite link it made.
 *
 * The interleavings that broke before: a friend accept, a friend request or a direct room
 * committed after the deletion had listed what to remove, and was left behind; an invite link
 * made before the deletion, which stayed.
 *
 * The deletion's request is answered once it has begun and the rest runs on: the actor
 * "delete" lasts until it has ended (`helpers/account_deletion.ts`), so its later commits are
 * held and interleaved too.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { type ScheduledNode, withScheduledNode } from "./helpers/scheduled_node.ts";
import { call } from "./helpers/in_process_api.ts";
import { deleteAccount } from "./helpers/account_deletion.ts";
import { startTestServer, type TestServer } from "./helpers/test_server.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import type { Timers } from "../lib/common/clock.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { OFFLINE_DELAY_MS } from "../lib/realtime/presence/presence_tracker.ts";

const PASSWORD = "correct horse battery";

/** The body of an invite link's creation. */
const NEW_LINK = { expiresInHours: 1, maxUses: 5 };

/** Whom the raced request is made as: the user being deleted, or the other one. */
type Side = "deleted" | "other";

/**
 * A request raced against the deletion, and what the two users did before it; `prepare` may
 * give what the request names (a room id, an invite link's token) to `path` and `body`.
 */
interface Race {
  name: string;
  prepare(server: TestServer, deleted: TestUser, other: TestUser): Promise<string | void>;
  as: Side;
  method: string;
  path(deleted: TestUser, other: TestUser, named: string): string;
  body?(deleted: TestUser, other: TestUser, named: string): unknown;
}

const asks = (from: Side): Race["prepare"] => async (server, deleted, other) => {
  const [sender, recipient] = from === "deleted" ? [deleted, other] : [other, deleted];
  const sent = await call(server, sender, "POST", "/api/friends/requests", {
    username: recipient.name,
  });
  assert.equal(sent.status, 201);
};

/** Befriends the two users (the deleted one asks, the other accepts). */
const befriend: Race["prepare"] = async (server, deleted, other) => {
  await asks("deleted")(server, deleted, other);
  const accepted = await call(
    server,
    other,
    "POST",
    `/api/friends/requests/${deleted.name}/accept`,
  );
  assert.equal(accepted.status, 204);
};

/** Creates a room of the other user, and gives its id. */
async function roomOfOther(
  server: TestServer,
  other: TestUser,
  visibility: "public" | "private",
): Promise<string> {
  const made = await call(server, other, "POST", "/api/rooms", { name: "Raced", visibility });
  assert.equal(made.status, 201);
  return (made.body as { room: { id: string } }).room.id;
}

const RACES: Race[] = [
  {
    name: "the other user accepts the deleted user's friend request",
    prepare: asks("deleted"),
    as: "other",
    method: "POST",
    path: (deleted) => `/api/friends/requests/${deleted.name}/accept`,
  },
  {
    name: "the deleted user accepts the other user's friend request",
    prepare: asks("other"),
    as: "deleted",
    method: "POST",
    path: (_, other) => `/api/friends/requests/${other.name}/accept`,
  },
  {
    name: "the other user sends the deleted user a friend request",
    prepare: () => Promise.resolve(),
    as: "other",
    method: "POST",
    path: () => "/api/friends/requests",
    body: (deleted) => ({ username: deleted.name }),
  },
  {
    name: "the other user asks back, which befriends them at once",
    prepare: asks("deleted"),
    as: "other",
    method: "POST",
    path: () => "/api/friends/requests",
    body: (deleted) => ({ username: deleted.name }),
  },
  {
    name: "the deleted user sends a friend request",
    prepare: () => Promise.resolve(),
    as: "deleted",
    method: "POST",
    path: () => "/api/friends/requests",
    body: (_, other) => ({ username: other.name }),
  },
  {
    name: "the deleted user blocks the other user",
    prepare: () => Promise.resolve(),
    as: "deleted",
    method: "POST",
    path: () => "/api/friends/blocks",
    body: (_, other) => ({ username: other.name }),
  },
  {
    name: "the other user opens a direct room with the deleted user, a friend",
    prepare: befriend,
    as: "other",
    method: "POST",
    path: () => "/api/dms",
    body: (deleted) => ({ username: deleted.name }),
  },
  {
    name: "the deleted user joins a public room",
    prepare: (server, _, other) => roomOfOther(server, other, "public"),
    as: "deleted",
    method: "POST",
    path: (_, __, room) => `/api/rooms/${room}/join`,
  },
  {
    name: "the deleted user joins a private room by an invite link",
    prepare: async (server, _, other) => {
      const room = await roomOfOther(server, other, "private");
      const link = await call(server, other, "POST", `/api/rooms/${room}/links`, NEW_LINK);
      assert.equal(link.status, 201);
      return (link.body as { token: string }).token;
    },
    as: "deleted",
    method: "POST",
    path: (_, __, token) => `/api/links/${token}/accept`,
  },
  {
    name: "the other user adds the deleted user, a friend, to a group",
    prepare: async (server, deleted, other) => {
      await befriend(server, deleted, other);
      return await roomOfOther(server, other, "private");
    },
    as: "other",
    method: "POST",
    path: (_, __, room) => `/api/rooms/${room}/invites`,
    body: (deleted) => ({ username: deleted.name }),
  },
  {
    name: "the deleted user creates a room",
    prepare: () => Promise.resolve(),
    as: "deleted",
    method: "POST",
    path: () => "/api/rooms",
    body: () => ({ name: "Late", visibility: "public" }),
  },
  {
    name: "the deleted user makes an invite link to its group, which the other user joined by one",
    prepare: async (server, deleted, other) => {
      const made = await call(server, deleted, "POST", "/api/rooms", {
        name: "Linked",
        visibility: "private",
      });
      assert.equal(made.status, 201);
      const room = (made.body as { room: { id: string } }).room.id;
      const link = await call(server, deleted, "POST", `/api/rooms/${room}/links`, NEW_LINK);
      assert.equal(link.status, 201);
      const token = (link.body as { token: string }).token;
      assert.equal((await call(server, other, "POST", `/api/links/${token}/accept`)).status, 200);
      return room;
    },
    as: "deleted",
    method: "POST",
    path: (_, __, room) => `/api/rooms/${room}/links`,
    body: () => NEW_LINK,
  },
];

/**
 * The KV entries that still name `userId` and must not: friendships, friend requests and
 * digests either way, blocks it placed, room memberships, conversation activity, last seen,
 * invite links it made.
 */
async function leftovers(kv: Deno.Kv, userId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of kv.list({ prefix: [] })) {
    const [kind, ...rest] = entry.key;
    const named = rest.includes(userId);
    const bad = (kind === "friend" || kind === "friend_in" || kind === "friend_out") && named ||
      kind === "block" && rest[0] === userId ||
      (kind === "room_member" || kind === "user_room") && named ||
      (kind === "user_activity" || kind === "last_seen") && rest[0] === userId ||
      kind === "friend_ids" &&
        (named || Array.isArray(entry.value) && entry.value.includes(userId)) ||
      kind === "user_invite" && rest[0] === userId ||
      (kind === "invite" || kind === "room_invite") &&
        (entry.value as { createdBy?: string }).createdBy === userId;
    if (bad) found.push(JSON.stringify(entry.key));
  }
  return found;
}

type Node = ScheduledNode;

/** Runs `fn` with a fresh node whose KV commits a `CommitScheduler` holds. */
function withNode(fn: (node: Node) => Promise<void>): Promise<void> {
  // System messages ("joined", "left") are committed by the node's message writer, one batch
  // for every actor's messages: held, they would leave the other actor waiting on it.
  const messages = ([kind]: Deno.KvKey) => kind === keys.roomHead("")[0];
  return withScheduledNode((writes) => writes.some(messages), fn);
}

/** Two fresh users of `node`, who did what `race` needs before it. */
interface Arena extends Node {
  deleted: TestUser;
  other: TestUser;
  /** The deletion, started as the held actor "delete". */
  deletion: Promise<{ status: number }>;
  /** The raced request, started as the held actor "race". */
  raced: Promise<{ status: number }>;
}

/** Registers two users on `node`, prepares `race`, and starts both actors (held). */
async function arena(node: Node, race: Race): Promise<Arena> {
  const { server, scheduler } = node;
  const [deleted, other] = await Promise.all([
    registerUser(server.url, "leaving"),
    registerUser(server.url, "staying"),
  ]);
  const named = await race.prepare(server, deleted, other) ?? "";
  const deletion = scheduler.run("delete", () => deleteAccount(server, deleted, PASSWORD));
  const actor = race.as === "deleted" ? deleted : other;
  const raced = scheduler.run(
    "race",
    () =>
      call(
        server,
        actor,
        race.method,
        race.path(deleted, other, named),
        race.body?.(deleted, other, named),
      ),
  );
  return { ...node, deleted, other, deletion, raced };
}

/** Runs `fn` with an {@linkcode arena} of `race` on a node of its own. */
async function withArena(race: Race, fn: (arena: Arena) => Promise<void>): Promise<void> {
  await withNode(async (node) => await fn(await arena(node, race)));
}

const writesKey = (key: Deno.KvKey) => (writes: readonly Deno.KvKey[]) =>
  writes.some((written) => JSON.stringify(written) === JSON.stringify(key));

Deno.test("an accept that read before the deletion began but commits after the deletion listed the requests is refused", async () => {
  await withArena(RACES[0]!, async ({ server, scheduler, deleted, other, deletion, raced }) => {
    // The accept reads the request and both digests, and is held at its commit.
    await scheduler.step("race");
    // The deletion runs until it has listed the requests and is about to delete them.
    await scheduler.advanceUntil("delete", writesKey(keys.friendDigest(deleted.id)));
    await scheduler.step("race");
    await scheduler.interleave([]);
    assert.equal((await raced).status, 404);
    assert.equal((await deletion).status, 204);
    assert.deepEqual(await leftovers(server.kv, deleted.id), []);
    assert.deepEqual((await server.kv.get(keys.friendDigest(other.id))).value, []);
  });
});

/**
 * Holds the deletion at its first commit that writes the key `heldAt` names (after it listed
 * what that commit removes), runs `race` to its end meanwhile, and checks that the race was
 * refused with `status` and that, once the deletion finished, nothing names the deleted user.
 * With `readFirst`, the race first reads before the deletion begins, and is held at its commit
 * of the deleted user's membership until the deletion is held.
 */
async function refusedWhileDeletionHolds(
  race: Race,
  heldAt: (deleted: TestUser, other: TestUser) => Deno.KvKey,
  status: number,
  readFirst = false,
): Promise<void> {
  await withArena(race, async ({ server, scheduler, deleted, other, deletion, raced }) => {
    if (readFirst) {
      await scheduler.advanceUntil(
        "race",
        (writes) => writes.some(([kind, , user]) => kind === "room_member" && user === deleted.id),
      );
    }
    await scheduler.advanceUntil("delete", writesKey(heldAt(deleted, other)));
    await scheduler.finish("race");
    assert.equal((await raced).status, status);
    await scheduler.interleave([]);
    assert.equal((await deletion).status, 204);
    assert.deepEqual(await leftovers(server.kv, deleted.id), []);
  });
}

Deno.test("an accept made while the deletion holds its list of requests is refused", async () => {
  await refusedWhileDeletionHolds(RACES[0]!, (deleted) => keys.friendDigest(deleted.id), 404);
});

Deno.test("a friend request sent to a user whose deletion has listed its requests is refused as to an unknown user", async () => {
  await refusedWhileDeletionHolds(RACES[2]!, (deleted) => keys.friendDigest(deleted.id), 404);
});

/** The deletion's commit that ends the friendship: rooms are listed and left before it. */
const friendshipEnds = (deleted: TestUser, other: TestUser) => keys.friend(deleted.id, other.id);
/** The deletion's last commit, after it listed and removed everything else. */
const lastCommit = (deleted: TestUser) => keys.lastSeen(deleted.id);

Deno.test("a direct room opened with a friend whose deletion has listed its rooms is refused", async () => {
  await refusedWhileDeletionHolds(RACES[6]!, friendshipEnds, 403);
});

/** Memberships that read before the deletion began and commit after it listed the rooms. */
const MEMBERSHIP_RACES: [
  test: string,
  race: string,
  heldAt: typeof friendshipEnds,
  status: number,
][] = [
  [
    "a public room join read before the deletion began and committed after it listed the rooms is refused",
    "the deleted user joins a public room",
    lastCommit,
    404,
  ],
  [
    "an invite link join read before the deletion began and committed after it listed the rooms is refused as signed out",
    "the deleted user joins a private room by an invite link",
    lastCommit,
    401,
  ],
  [
    "a room created by the deleted user, read before the deletion began and committed after it listed the rooms, is refused as signed out",
    "the deleted user creates a room",
    lastCommit,
    401,
  ],
  [
    "adding a friend to a group, read before their deletion began and committed after it listed their rooms, is refused as for an unknown user",
    "the other user adds the deleted user, a friend, to a group",
    friendshipEnds,
    403,
  ],
];

for (const [test, name, heldAt, status] of MEMBERSHIP_RACES) {
  Deno.test(test, async () => {
    const race = RACES.find((race) => race.name === name)!;
    await refusedWhileDeletionHolds(race, heldAt, status, true);
  });
}

Deno.test("adding a friend to a group once their deletion listed their rooms is refused as for an unknown user", async () => {
  const race = RACES.find((race) => race.name.startsWith("the other user adds"))!;
  await refusedWhileDeletionHolds(race, friendshipEnds, 403);
});

Deno.test("a deleted user's socket closing after the deletion writes back no last seen and no presence", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock();
  // Resolved once the node starts the offline delay of the closed socket.
  const { promise: leaving, resolve: left } = Promise.withResolvers<void>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      if (ms === OFFLINE_DELAY_MS) left();
      return clock.setTimeout(fn, ms);
    },
    clearTimeout: (id) => clock.clearTimeout(id),
  };
  const server = await startTestServer({ kv, timers });
  let deleted: TestUser | undefined;
  try {
    deleted = await registerUser(server.url, "leaving");
    const socket = await openSocket(server.url, deleted);
    const gone = await deleteAccount(server, deleted, PASSWORD);
    assert.equal(gone.status, 204);
    await socket.closed;
    await leaving;
    // The deletion is over; the node's offline delay now ends, and its "offline" runs.
    clock.advance(OFFLINE_DELAY_MS);
  } finally {
    // Waits for the node's presence work in flight, that "offline" included.
    await server.close();
  }
  try {
    assert.deepEqual(await leftovers(kv, deleted.id), []);
    assert.equal((await kv.get(keys.lastSeen(deleted.id))).versionstamp, null);
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: keys.presenceOf(deleted.id) })), []);
  } finally {
    kv.close();
  }
});

Deno.test("whatever the order of their commits, nothing names the deleted user once deletion and a racing request are done", async () => {
  await withNode(async (node) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RACES.map((race) => race.name)),
        // The deletion makes about ten commits: the race starts after `before` of them, is held
        // at its first commit for `during` more, and then the two go on in any order. Half the
        // runs start the race first: a request of the deleted user that starts after the
        // deletion began is refused at its session already, before any of its commits.
        fc.oneof(fc.constant(0), fc.nat({ max: 12 })),
        fc.nat({ max: 12 }),
        fc.array(fc.nat({ max: 1 }), { maxLength: 20 }),
        async (name, before, during, rest) => {
          const race = RACES.find((race) => race.name === name)!;
          const choices = [...Array(before).fill(0), 1, ...Array(during).fill(0), 1, ...rest];
          const { scheduler, deleted, deletion, raced } = await arena(node, race);
          scheduler.trace.length = 0;
          await scheduler.interleave(choices);
          assert.equal((await deletion).status, 204);
          assert.ok((await raced).status < 500, `${name}: ${(await raced).status}`);
          assert.deepEqual(
            await leftovers(node.server.kv, deleted.id),
            [],
            `${name}, in the order ${scheduler.trace.join(" ")}`,
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
