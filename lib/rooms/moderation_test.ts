import assert from "node:assert/strict";
import type { PublicUser } from "../common/api_types.ts";
import { keys } from "../kv/kv_keys.ts";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { type KvServices, withKvServices } from "../../tests/helpers/kv_services.ts";

const NO_SUCH_ROOM = [404, "No such room"] as const;
const FORBIDDEN = [403, "You are not allowed to do that in this room"] as const;
const NO_SUCH_MEMBER = [404, "No such member"] as const;
const FRIENDS_ONLY = [
  403,
  "You can only invite your friends (who are not banned from this room)",
] as const;

/** A public room of `owner` that every one of `members` joined; `admins` are promoted. */
async function roomOf(
  { rooms, moderation }: KvServices,
  owner: PublicUser,
  members: PublicUser[],
  admins: PublicUser[] = [],
): Promise<string> {
  const created = await rooms.create(owner.id, "general");
  assert.ok(created.ok);
  const room = created.room.id;
  for (const member of [...members, ...admins]) assert.ok(await rooms.join(member.id, room));
  for (const admin of admins) {
    assert.deepEqual(await moderation.act(owner.id, room, admin.id, "promote"), { ok: true });
  }
  return room;
}

/** Member name → "role[+muted]", as the owner's member list shows it. */
async function roster({ moderation }: KvServices, viewer: PublicUser, room: string) {
  const details = await moderation.details(room, viewer.id);
  assert.ok(details);
  return Object.fromEntries(
    details.members.map((m) => [m.user.name, m.role + (m.muted ? "+muted" : "")]),
  );
}

Deno.test("Moderation.act() lets an admin kick a member: the membership goes, the member's sockets and sidebar are told, the log says who", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const room = await roomOf(services, olga, [mia], [adam]);
    services.published.length = 0;
    assert.deepEqual(await services.moderation.act(adam.id, room, mia.id, "kick"), { ok: true });
    assert.equal(await services.rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.published, [{ kind: "left", room, user: mia.id }]);
    assert.deepEqual(services.notices.at(-1), {
      users: [mia.id],
      event: { kind: "room_removed", roomId: room },
    });
    assert.deepEqual(services.posted.at(-1), { room, text: "mia was kicked by adam" });
    assert.deepEqual(await roster(services, olga, room), { olga: "owner", adam: "admin" });
  });
});

Deno.test("Moderation.act() refuses an admin kicking the owner or another admin, and changes nothing", async () => {
  await withKvServices(["olga", "adam", "ada"], async (services, { olga, adam, ada }) => {
    const room = await roomOf(services, olga, [], [adam, ada]);
    const before = await roster(services, olga, room);
    const posted = services.posted.length;
    for (const target of [olga, ada]) {
      for (const action of ["kick", "ban", "mute", "demote"] as const) {
        assertRefused(
          await services.moderation.act(adam.id, room, target.id, action),
          ...FORBIDDEN,
        );
      }
    }
    assert.deepEqual(await roster(services, olga, room), before);
    assert.equal(services.posted.length, posted);
  });
});

Deno.test("Moderation.act() refuses a plain member any action, and anyone acting on themselves", async () => {
  await withKvServices(["olga", "adam", "mia", "max"], async (services, users) => {
    const { olga, adam, mia, max } = users;
    const room = await roomOf(services, olga, [mia, max], [adam]);
    for (const action of ["kick", "ban", "mute", "promote"] as const) {
      assertRefused(await services.moderation.act(mia.id, room, max.id, action), ...FORBIDDEN);
    }
    assertRefused(await services.moderation.act(olga.id, room, olga.id, "kick"), ...FORBIDDEN);
    assertRefused(await services.moderation.act(adam.id, room, adam.id, "mute"), ...FORBIDDEN);
    assert.deepEqual(await roster(services, olga, room), {
      olga: "owner",
      adam: "admin",
      mia: "member",
      max: "member",
    });
  });
});

Deno.test("Moderation.act() answers a non-member exactly as for a room that does not exist", async () => {
  await withKvServices(["olga", "mia", "eve"], async (services, { olga, mia, eve }) => {
    const room = await roomOf(services, olga, [mia]);
    assertRefused(await services.moderation.act(eve.id, room, mia.id, "kick"), ...NO_SUCH_ROOM);
    assertRefused(await services.moderation.act(eve.id, "nope", mia.id, "kick"), ...NO_SUCH_ROOM);
    assert.equal(await services.moderation.details(room, eve.id), null);
  });
});

Deno.test("Moderation.act() refuses kicking or muting someone who is not a member", async () => {
  await withKvServices(["olga", "eve"], async (services, { olga, eve }) => {
    const room = await roomOf(services, olga, []);
    assertRefused(await services.moderation.act(olga.id, room, eve.id, "kick"), ...NO_SUCH_MEMBER);
    assertRefused(await services.moderation.act(olga.id, room, eve.id, "mute"), ...NO_SUCH_MEMBER);
    assertRefused(
      await services.moderation.act(olga.id, room, "no-such-id", "ban"),
      ...NO_SUCH_MEMBER,
    );
    assertRefused(await services.moderation.act(olga.id, room, eve.id, "unban"), ...NO_SUCH_MEMBER);
  });
});

Deno.test("Moderation.act() lets only the owner promote a member and demote an admin", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(await services.moderation.act(adam.id, room, mia.id, "promote"), ...FORBIDDEN);
    assertRefused(await services.moderation.act(olga.id, room, adam.id, "promote"), ...FORBIDDEN);
    assertRefused(await services.moderation.act(olga.id, room, mia.id, "demote"), ...FORBIDDEN);
    assert.deepEqual(await services.moderation.act(olga.id, room, mia.id, "promote"), { ok: true });
    assert.deepEqual(await services.moderation.act(olga.id, room, adam.id, "demote"), { ok: true });
    assert.deepEqual(await roster(services, olga, room), {
      olga: "owner",
      adam: "member",
      mia: "admin",
    });
  });
});

Deno.test("Moderation.act() ban removes the member and keeps them out until unbanned; managers see the ban list", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const { moderation, rooms, clock, kv } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    clock.advance(5_000);
    assert.deepEqual(await moderation.act(adam.id, room, mia.id, "ban"), { ok: true });
    assert.equal(await rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.posted.at(-1), { room, text: "mia was banned by adam" });
    assert.equal(await rooms.join(mia.id, room), null);
    const bans = await Array.fromAsync(
      kv.list<{ at: number; by: string }>({ prefix: keys.roomBans(room) }),
    );
    assert.deepEqual(bans.map((entry) => entry.value), [{ at: clock.now(), by: adam.id }]);
    assert.deepEqual((await moderation.details(room, adam.id))!.banned.map((u) => u.name), ["mia"]);

    assert.deepEqual(await moderation.act(olga.id, room, mia.id, "unban"), { ok: true });
    assert.deepEqual((await moderation.details(room, olga.id))!.banned, []);
    assert.equal((await rooms.join(mia.id, room))?.added, true);
    assert.deepEqual((await moderation.details(room, mia.id))!.banned, [], "hidden from members");
  });
});

Deno.test("Moderation.act() mute and unmute change the member's right to post and tell every node", async () => {
  await withKvServices(["olga", "mia"], async (services, { olga, mia }) => {
    const room = await roomOf(services, olga, [mia]);
    services.published.length = 0;
    assert.deepEqual(await services.moderation.act(olga.id, room, mia.id, "mute"), { ok: true });
    assert.equal((await roster(services, olga, room)).mia, "member+muted");
    assert.deepEqual(await services.moderation.act(olga.id, room, mia.id, "unmute"), { ok: true });
    assert.equal((await roster(services, olga, room)).mia, "member");
    assert.deepEqual(services.published, [
      { kind: "rights_changed", room, user: mia.id },
      { kind: "rights_changed", room, user: mia.id },
    ]);
  });
});

Deno.test("Moderation.invite() adds a friend of an admin at once and tells them; others get one refusal", async () => {
  await withKvServices(["olga", "adam", "fred", "eve"], async (services, users) => {
    const { olga, adam, fred, eve } = users;
    const { friends, moderation, rooms } = services;
    const room = await roomOf(services, olga, [], [adam]);
    assertRefused(await moderation.invite(adam.id, room, fred.name), ...FRIENDS_ONLY);
    assertRefused(await moderation.invite(adam.id, room, "nobody-here"), ...FRIENDS_ONLY);
    assertRefused(await moderation.invite(adam.id, room, adam.name), ...FRIENDS_ONLY);
    await friends.request(adam.id, fred.name);
    assert.deepEqual(await friends.accept(fred.id, adam.name), { ok: true });

    assert.deepEqual(await moderation.invite(adam.id, room, fred.name), { ok: true });
    assert.equal(await rooms.isMember(room, fred.id), true);
    const notice = services.notices.at(-1)!;
    assert.deepEqual(notice.users, [fred.id]);
    assert.equal(notice.event.kind === "room_joined" && notice.event.room.id, room);
    assert.deepEqual(services.posted.at(-1), { room, text: "fred was added by adam" });
    assert.deepEqual(await moderation.invite(adam.id, room, fred.name), {
      ok: false,
      status: 409,
      error: "Already a member",
    });
    assertRefused(await moderation.invite(eve.id, room, fred.name), ...NO_SUCH_ROOM);
  });
});

Deno.test("Moderation.invite() refuses a plain member, and a friend who is banned from the room", async () => {
  await withKvServices(["olga", "mia", "fred"], async (services, { olga, mia, fred }) => {
    const { friends, moderation } = services;
    const room = await roomOf(services, olga, [mia, fred]);
    for (const friend of [mia, fred]) {
      await friends.request(olga.id, friend.name);
      await friends.accept(friend.id, olga.name);
    }
    assert.deepEqual(await moderation.act(olga.id, room, fred.id, "ban"), { ok: true });
    assertRefused(await moderation.invite(mia.id, room, fred.name), ...FORBIDDEN);
    assertRefused(await moderation.invite(olga.id, room, fred.name), ...FRIENDS_ONLY);
    assert.equal(await services.rooms.isMember(room, fred.id), false);
  });
});

Deno.test("Moderation.update() renames the room and sets its topic for managers, with one system message each", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const { moderation, rooms } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    const posted = services.posted.length;
    assert.deepEqual(
      await moderation.update(adam.id, room, { name: "  lounge ", topic: "tea" }),
      { ok: true },
    );
    assert.deepEqual(services.posted.slice(posted), [
      { room, text: "adam renamed the room to “lounge”" },
      { room, text: "adam set the topic: tea" },
    ]);
    const summary = await rooms.get(room);
    assert.deepEqual([summary?.name, summary?.topic], ["lounge", "tea"]);
    const notice = services.notices.at(-1)!;
    assert.deepEqual(new Set(notice.users), new Set([olga.id, adam.id, mia.id]));
    assert.equal(notice.event.kind, "room_updated");
    assert.deepEqual(await moderation.update(olga.id, room, { topic: "" }), { ok: true });
    assert.deepEqual(services.posted.at(-1), { room, text: "olga cleared the topic" });
  });
});

Deno.test("Moderation.update() refuses a plain member, a non-member, an empty name and an overlong topic", async () => {
  await withKvServices(["olga", "mia", "eve"], async (services, { olga, mia, eve }) => {
    const { moderation, rooms } = services;
    const room = await roomOf(services, olga, [mia]);
    assertRefused(await moderation.update(mia.id, room, { name: "mine" }), ...FORBIDDEN);
    assertRefused(await moderation.update(eve.id, room, { name: "mine" }), ...NO_SUCH_ROOM);
    const empty = await moderation.update(olga.id, room, { name: "   " });
    assert.equal(empty.ok === false && empty.status, 400);
    assert.match(empty.ok === false ? empty.error : "", /^Room name must be 1–\d+ characters$/);
    const long = await moderation.update(olga.id, room, { topic: "x".repeat(10_000) });
    assert.equal(long.ok === false && long.status, 400);
    assert.match(long.ok === false ? long.error : "", /^Topic must be at most \d+ characters$/);
    assert.equal((await rooms.get(room))?.name, "general");
  });
});

Deno.test("Moderation.transfer() makes a member the owner and the old owner an admin; nobody else may", async () => {
  await withKvServices(["olga", "adam", "mia", "eve"], async (services, users) => {
    const { olga, adam, mia, eve } = users;
    const { moderation } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(await moderation.transfer(adam.id, room, mia.id), ...FORBIDDEN);
    assertRefused(await moderation.transfer(olga.id, room, olga.id), ...FORBIDDEN);
    assertRefused(await moderation.transfer(olga.id, room, eve.id), ...NO_SUCH_MEMBER);
    assertRefused(await moderation.transfer(eve.id, room, mia.id), ...NO_SUCH_ROOM);
    assert.deepEqual(await moderation.transfer(olga.id, room, mia.id), { ok: true });
    assert.deepEqual(services.posted.at(-1), { room, text: "olga made mia the owner" });
    assert.deepEqual(await roster(services, mia, room), {
      olga: "admin",
      adam: "admin",
      mia: "owner",
    });
    assertRefused(await moderation.act(olga.id, room, mia.id, "kick"), ...FORBIDDEN);
  });
});

Deno.test("Moderation.leave() refuses the owner and removes anyone else", async () => {
  await withKvServices(["olga", "mia"], async (services, { olga, mia }) => {
    const { moderation, rooms } = services;
    const room = await roomOf(services, olga, [mia]);
    assertRefused(
      await moderation.leave(olga.id, room),
      409,
      "You are the owner: transfer ownership or delete the room before leaving",
    );
    assert.deepEqual(await moderation.leave(mia.id, room), { ok: true });
    assert.equal(await rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.posted.at(-1), { room, text: "mia left" });
    assert.deepEqual(await moderation.leave(mia.id, room), { ok: true }, "leaving twice is fine");
  });
});

Deno.test("Moderation.remove() lets only the owner delete the room, and drops it from every member", async () => {
  await withKvServices(["olga", "adam", "mia", "eve"], async (services, users) => {
    const { olga, adam, mia, eve } = users;
    const { moderation, rooms } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(await moderation.remove(adam.id, room), ...FORBIDDEN);
    assertRefused(await moderation.remove(mia.id, room), ...FORBIDDEN);
    assertRefused(await moderation.remove(eve.id, room), ...NO_SUCH_ROOM);
    assert.notEqual(await rooms.get(room), null);
    services.published.length = 0;
    assert.deepEqual(await moderation.remove(olga.id, room), { ok: true });
    assert.equal(await rooms.get(room), null);
    for (const user of [olga, adam, mia]) assert.equal(await rooms.isMember(room, user.id), false);
    assert.deepEqual(
      new Set(services.published),
      new Set([olga, adam, mia].map((user) => ({ kind: "left", room, user: user.id }))),
    );
    assert.equal(await rooms.join(mia.id, room), null);
    assertRefused(await moderation.remove(olga.id, room), ...NO_SUCH_ROOM);
  });
});
