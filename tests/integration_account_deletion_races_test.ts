/**
 * Account deletion against the requests that tie two accounts together, on a real server and a
 * real KV, with the two requests' commits interleaved in a chosen order
 * (`helpers/commit_scheduler.ts`): whichever lands first, once both have finished nothing names
 * the deleted user: no friendship, no friend request either way, no friend digest entry, no
 * block it placed, no room membership.
 *
 * The interleavings that broke before: a friend accept, a friend request or a direct room
 * committed after the deletion had listed what to remove, and was left behind.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { registerUser, type TestUser } from "./helpers/chat_client.ts";
import { CommitScheduler } from "./helpers/commit_scheduler.ts";
import { startTestServer, type TestServer } from "./helpers/test_server.ts";
import { keys } from "../lib/kv/kv_keys.ts";

const PASSWORD = "correct horse battery";

/** Whom the raced request is made as: the user being deleted, or the other one. */
type Side = "deleted" | "other";

/** A request raced against the deletion, and what the two users did before it. */
interface Race {
  name: string;
  prepare(server: TestServer, deleted: TestUser, other: TestUser): Promise<void>;
  as: Side;
  method: string;
  path(deleted: TestUser, other: TestUser): string;
  body?(deleted: TestUser, other: TestUser): unknown;
}

const asks = (from: Side): Race["prepare"] => async (server, deleted, other) => {
  const [sender, recipient] = from === "deleted" ? [deleted, other] : [other, deleted];
  const sent = await call(server, sender, "POST", "/api/friends/requests", {
    username: recipient.name,
  });
  assert.equal(sent.status, 201);
};

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
    prepare: async (server, deleted, other) => {
      await asks("deleted")(server, deleted, other);
      const accepted = await call(
        server,
        other,
        "POST",
        `/api/friends/requests/${deleted.name}/accept`,
      );
      assert.equal(accepted.status, 204);
    },
    as: "other",
    method: "POST",
    path: () => "/api/dms",
    body: (deleted) => ({ username: deleted.name }),
  },
];

/** Calls the node's JSON API in this process (so that a scheduler actor's context reaches it). */
async function call(
  server: TestServer,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number }> {
  const response = await server.chat.fetch(
    new Request(`${server.url}${path}`, {
      method,
      headers: { cookie: user.cookie, origin: server.url, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  await response.body?.cancel();
  return { status: response.status };
}

/**
 * The KV entries that still name `userId` and must not: friendships, friend requests and
 * digests either way, blocks it placed, room memberships.
 */
async function leftovers(kv: Deno.Kv, userId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of kv.list({ prefix: [] })) {
    const [kind, ...rest] = entry.key;
    const named = rest.includes(userId);
    const bad = (kind === "friend" || kind === "friend_in" || kind === "friend_out") && named ||
      kind === "block" && rest[0] === userId ||
      (kind === "room_member" || kind === "user_room") && named ||
      kind === "friend_ids" &&
        (named || Array.isArray(entry.value) && entry.value.includes(userId));
    if (bad) found.push(JSON.stringify(entry.key));
  }
  return found;
}

/** A node on a scheduled KV, shared by the runs of a property. */
interface Node {
  server: TestServer;
  scheduler: CommitScheduler;
}

/** Runs `fn` with a fresh node whose KV commits a {@linkcode CommitScheduler} holds. */
async function withNode(fn: (node: Node) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const scheduler = new CommitScheduler(kv);
  const server = await startTestServer({ kv: scheduler.kv });
  try {
    await fn({ server, scheduler });
  } finally {
    await server.close();
    kv.close();
  }
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
  await race.prepare(server, deleted, other);
  const deletion = scheduler.run(
    "delete",
    () => call(server, deleted, "POST", "/api/me/account/delete", { password: PASSWORD }),
  );
  const actor = race.as === "deleted" ? deleted : other;
  const raced = scheduler.run(
    "race",
    () => call(server, actor, race.method, race.path(deleted, other), race.body?.(deleted, other)),
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
 */
async function refusedWhileDeletionHolds(
  race: Race,
  heldAt: (deleted: TestUser, other: TestUser) => Deno.KvKey,
  status: number,
): Promise<void> {
  await withArena(race, async ({ server, scheduler, deleted, other, deletion, raced }) => {
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

Deno.test("a direct room opened with a friend whose deletion has listed its rooms is refused", async () => {
  // Rooms are listed and left first; the friendship ends after.
  const heldAt = (deleted: TestUser, other: TestUser) => keys.friend(deleted.id, other.id);
  await refusedWhileDeletionHolds(RACES[6]!, heldAt, 403);
});

Deno.test("whatever the order of their commits, nothing names the deleted user once deletion and a racing request are done", async () => {
  await withNode(async (node) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RACES.map((race) => race.name)),
        // The deletion makes about ten commits: the race starts after `before` of them, is held
        // at its first commit for `during` more, and then the two go on in any order.
        fc.nat({ max: 12 }),
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
      { numRuns: 30 },
    );
  });
});
