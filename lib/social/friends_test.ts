import assert from "node:assert/strict";
import { MAX_FRIEND_NOTE_CHARS } from "../common/api_types.ts";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { type KvServices, withKvServices } from "../../tests/helpers/kv_services.ts";

const NO_SUCH_USER = [404, "No such user"] as const;
const NO_SUCH_REQUEST = [404, "No such request"] as const;

/** Names in each of a user's lists, sorted (the lists are in id order, and ids are random). */
async function listed({ friends }: KvServices, userId: string) {
  const lists = await friends.lists(userId);
  return {
    friends: lists.friends.map((f) => f.name).sort(),
    incoming: lists.incoming.map((r) => r.user.name).sort(),
    outgoing: lists.outgoing.map((r) => r.user.name).sort(),
    blocked: lists.blocked.map((u) => u.name).sort(),
  };
}

const NONE = { friends: [], incoming: [], outgoing: [], blocked: [] };

Deno.test("Friends.request() stores a pending request with its note and time, and tells the recipient", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends, clock } = services;
    clock.advance(1_234);
    assert.deepEqual(await friends.request(alice.id, bob.name, "  hi from the meetup "), {
      ok: true,
      status: "pending",
    });
    const incoming = (await friends.lists(bob.id)).incoming;
    assert.deepEqual(
      incoming.map((r) => [r.user.name, r.note, r.at]),
      [["alice", "hi from the meetup", clock.now()]],
    );
    assert.deepEqual(await listed(services, alice.id), { ...NONE, outgoing: ["bob"] });
    assert.deepEqual(services.notices.map((n) => [n.users, n.event.kind]), [
      [[bob.id], "friend_request"],
      [[alice.id], "friends_changed"],
    ]);
    assert.equal(await friends.areFriends(alice.id, bob.id), false);
  });
});

Deno.test("Friends.request() makes two users friends at once when the other had already asked", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends } = services;
    await friends.request(alice.id, bob.name);
    assert.deepEqual(await friends.request(bob.id, alice.name), { ok: true, status: "friends" });
    assert.equal(await friends.areFriends(alice.id, bob.id), true);
    assert.equal(await friends.areFriends(bob.id, alice.id), true);
    assert.deepEqual(await listed(services, alice.id), { ...NONE, friends: ["bob"] });
    assert.deepEqual(await listed(services, bob.id), { ...NONE, friends: ["alice"] });
  });
});

Deno.test("Friends.request() refuses oneself, an unknown name, a duplicate, an existing friend and an overlong note", async () => {
  await withKvServices(["alice", "bob"], async ({ friends }, { alice, bob }) => {
    assertRefused(await friends.request(alice.id, alice.name), 400, "You cannot add yourself");
    assertRefused(await friends.request(alice.id, "nobody-here"), ...NO_SUCH_USER);
    assertRefused(
      await friends.request(alice.id, bob.name, "x".repeat(MAX_FRIEND_NOTE_CHARS + 1)),
      400,
      `Note must be at most ${MAX_FRIEND_NOTE_CHARS} characters`,
    );
    await friends.request(alice.id, bob.name, "x".repeat(MAX_FRIEND_NOTE_CHARS));
    assertRefused(await friends.request(alice.id, bob.name), 409, "Request already sent");
    await friends.accept(bob.id, alice.name);
    assertRefused(await friends.request(alice.id, bob.name), 409, "You are already friends");
    assertRefused(await friends.request(bob.id, alice.name), 409, "You are already friends");
  });
});

Deno.test("Friends.accept() befriends both sides and tells both; without a request it is refused", async () => {
  await withKvServices(["alice", "bob", "carol"], async (services, { alice, bob, carol }) => {
    const { friends } = services;
    assertRefused(await friends.accept(bob.id, alice.name), ...NO_SUCH_REQUEST);
    assertRefused(await friends.accept(bob.id, "nobody-here"), ...NO_SUCH_REQUEST);
    await friends.request(alice.id, bob.name);
    assertRefused(await friends.accept(alice.id, bob.name), ...NO_SUCH_REQUEST);
    assertRefused(await friends.accept(carol.id, alice.name), ...NO_SUCH_REQUEST);
    assert.deepEqual(await friends.accept(bob.id, alice.name), { ok: true });
    assert.deepEqual(services.notices.at(-1), {
      users: [bob.id, alice.id],
      event: { kind: "friends_changed" },
    });
    assert.deepEqual(await listed(services, alice.id), { ...NONE, friends: ["bob"] });
    assert.deepEqual(await listed(services, bob.id), { ...NONE, friends: ["alice"] });
    assertRefused(await friends.accept(bob.id, alice.name), ...NO_SUCH_REQUEST);
  });
});

Deno.test("Friends.decline() and Friends.cancel() drop a pending request on both sides without a friendship", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends } = services;
    await friends.request(alice.id, bob.name);
    assert.deepEqual(await friends.decline(bob.id, alice.name), { ok: true });
    assert.deepEqual(await listed(services, alice.id), NONE);
    assert.deepEqual(await listed(services, bob.id), NONE);
    assertRefused(await friends.decline(bob.id, alice.name), ...NO_SUCH_REQUEST);

    // After his decline Alice may not ask Bob again for a day (the cool-down); he may ask her.
    const again = await friends.request(alice.id, bob.name);
    assert.equal(again.ok ? 0 : again.status, 429);
    await friends.request(bob.id, alice.name);
    assertRefused(await friends.cancel(alice.id, bob.name), ...NO_SUCH_REQUEST);
    assert.deepEqual(await friends.cancel(bob.id, alice.name), { ok: true });
    assert.deepEqual(services.notices.at(-1), {
      users: [bob.id, alice.id],
      event: { kind: "friends_changed" },
    });
    assert.deepEqual(await listed(services, bob.id), NONE);
    assert.equal(await friends.areFriends(alice.id, bob.id), false);
    assertRefused(await friends.cancel(alice.id, "nobody-here"), ...NO_SUCH_REQUEST);
  });
});

Deno.test("Friends.remove() ends a friendship on both sides; a non-friend is refused", async () => {
  await withKvServices(["alice", "bob", "carol"], async (services, { alice, bob, carol }) => {
    const { friends } = services;
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    assert.deepEqual(await friends.remove(bob.id, alice.name), { ok: true });
    assert.equal(await friends.areFriends(alice.id, bob.id), false);
    assert.equal(await friends.areFriends(bob.id, alice.id), false);
    const missing = [404, "No such friend"] as const;
    assertRefused(await friends.remove(bob.id, alice.name), ...missing);
    assertRefused(await friends.remove(alice.id, carol.name), ...missing);
    assertRefused(await friends.remove(alice.id, "nobody-here"), ...missing);
  });
});

Deno.test("Friends.block() ends the friendship and pending requests, and the blocker then looks like an unknown user", async () => {
  await withKvServices(["alice", "bob", "carol"], async (services, { alice, bob, carol }) => {
    const { friends } = services;
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    await friends.request(carol.id, bob.name);
    assert.deepEqual(await friends.block(bob.id, alice.name), { ok: true });
    assert.deepEqual(services.notices.at(-1), {
      users: [bob.id, alice.id],
      event: { kind: "friends_changed" },
    });
    assert.deepEqual(await friends.block(bob.id, carol.name), { ok: true });
    assert.deepEqual(await listed(services, bob.id), { ...NONE, blocked: ["alice", "carol"] });
    assert.deepEqual(await listed(services, alice.id), NONE);
    assert.deepEqual(await listed(services, carol.id), NONE);

    assert.equal(await friends.visibleUser(alice.id, bob.name), null);
    assertRefused(await friends.request(alice.id, bob.name), ...NO_SUCH_USER);
    assertRefused(await friends.block(alice.id, bob.name), ...NO_SUCH_USER);
    assertRefused(
      await friends.request(bob.id, alice.name),
      409,
      "You blocked this user; unblock them first",
    );
  });
});

Deno.test("Friends.block() tells a blocked stranger nothing, and refuses blocking oneself", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends } = services;
    assertRefused(await friends.block(alice.id, alice.name), 400, "You cannot block yourself");
    assertRefused(await friends.block(alice.id, "nobody-here"), ...NO_SUCH_USER);
    assert.deepEqual(await friends.block(alice.id, bob.name), { ok: true });
    assert.deepEqual(services.notices, [{ users: [alice.id], event: { kind: "friends_changed" } }]);
  });
});

Deno.test("Friends.unblock() lifts a block so requests go through again; an absent block is refused", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends } = services;
    const missing = [404, "Not blocked"] as const;
    assertRefused(await friends.unblock(alice.id, bob.name), ...missing);
    await friends.block(alice.id, bob.name);
    assertRefused(await friends.unblock(bob.id, alice.name), ...missing);
    assert.deepEqual(await friends.unblock(alice.id, bob.name), { ok: true });
    assert.deepEqual(await listed(services, alice.id), NONE);
    assert.equal((await friends.visibleUser(bob.id, alice.name))?.id, alice.id);
    assert.deepEqual(await friends.request(bob.id, alice.name), { ok: true, status: "pending" });
  });
});

Deno.test("Friends.lists() marks friends online by presence, and announcePresence() tells friends only", async () => {
  await withKvServices(["alice", "bob", "carol"], async (services, { alice, bob, carol }) => {
    const { friends, presence } = services;
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    await friends.request(alice.id, carol.name);
    await presence.add("node-1", [bob.id, carol.id], 60_000);
    assert.deepEqual(
      (await friends.lists(alice.id)).friends.map((f) => [f.name, f.online]),
      [["bob", true]],
    );
    services.clock.advance(60_001);
    assert.deepEqual(
      (await friends.lists(alice.id)).friends.map((f) => [f.name, f.online]),
      [["bob", false]],
      "the presence entry ran out",
    );
    const before = services.notices.length;
    await friends.announcePresence(alice.id, "online");
    await friends.announcePresence(carol.id, "online");
    assert.deepEqual(services.notices.slice(before), [
      {
        users: [bob.id],
        event: { kind: "presence", user: alice.id, online: true, presence: { status: "online" } },
      },
    ]);
  });
});

Deno.test("announcePresence() tells friends 'online' without a 'last seen', even before this node's entry is readable, and 'offline' with it", async () => {
  await withKvServices(["alice", "bob"], async (services, { alice, bob }) => {
    const { friends, presence, clock } = services;
    await friends.request(alice.id, bob.name);
    await friends.accept(bob.id, alice.name);
    await presence.wentOffline(alice.id);
    const seenAt = clock.now();
    clock.advance(5_000);
    const before = services.notices.length;
    // No entry of alice's anywhere yet: a read of her presence would say offline, last seen.
    await friends.announcePresence(alice.id, "online", [bob.id]);
    await friends.announcePresence(alice.id, "offline");
    assert.deepEqual(services.notices.slice(before).map((notice) => notice.event), [
      { kind: "presence", user: alice.id, online: true, presence: { status: "online" } },
      {
        kind: "presence",
        user: alice.id,
        online: false,
        presence: { status: "offline", lastSeen: seenAt },
      },
    ]);
  });
});
