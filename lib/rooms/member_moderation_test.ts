import assert from "node:assert/strict";
import { keys } from "../kv/kv_keys.ts";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { withKvServices } from "../../tests/helpers/kv_services.ts";

import {
  FORBIDDEN,
  FRIENDS_ONLY,
  NO_SUCH_MEMBER,
  NO_SUCH_ROOM,
  roomOf,
  roster,
} from "../../tests/helpers/room_services_fixture.ts";

Deno.test("MemberModeration.act() lets an admin kick a member: the membership goes, the member's sockets and sidebar are told, the log says who", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const room = await roomOf(services, olga, [mia], [adam]);
    services.published.length = 0;
    assert.deepEqual(await services.memberModeration.act(adam.id, room, mia.id, "kick"), {
      ok: true,
    });
    assert.equal(await services.rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.published, [{ kind: "left", room, user: mia.id }]);
    assert.deepEqual(services.notices.at(-1), {
      users: [mia.id],
      event: {
        kind: "room_removed",
        roomId: room,
        reason: { why: "kicked", room: "general", by: "adam" },
      },
    });
    assert.deepEqual(services.posted.at(-1), {
      room,
      event: { type: "kicked", user: "mia", by: "adam" },
    });
    assert.deepEqual(await roster(services, olga, room), { olga: "owner", adam: "admin" });
  });
});

Deno.test("MemberModeration.act() refuses an admin kicking the owner or another admin, and changes nothing", async () => {
  await withKvServices(["olga", "adam", "ada"], async (services, { olga, adam, ada }) => {
    const room = await roomOf(services, olga, [], [adam, ada]);
    const before = await roster(services, olga, room);
    const posted = services.posted.length;
    for (const target of [olga, ada]) {
      for (const action of ["kick", "ban", "mute", "demote"] as const) {
        assertRefused(
          await services.memberModeration.act(adam.id, room, target.id, action),
          ...FORBIDDEN,
        );
      }
    }
    assert.deepEqual(await roster(services, olga, room), before);
    assert.equal(services.posted.length, posted);
  });
});

Deno.test("MemberModeration.act() refuses a plain member any action, and anyone acting on themselves", async () => {
  await withKvServices(["olga", "adam", "mia", "max"], async (services, users) => {
    const { olga, adam, mia, max } = users;
    const room = await roomOf(services, olga, [mia, max], [adam]);
    for (const action of ["kick", "ban", "mute", "promote"] as const) {
      assertRefused(
        await services.memberModeration.act(mia.id, room, max.id, action),
        ...FORBIDDEN,
      );
    }
    assertRefused(
      await services.memberModeration.act(olga.id, room, olga.id, "kick"),
      ...FORBIDDEN,
    );
    assertRefused(
      await services.memberModeration.act(adam.id, room, adam.id, "mute"),
      ...FORBIDDEN,
    );
    assert.deepEqual(await roster(services, olga, room), {
      olga: "owner",
      adam: "admin",
      mia: "member",
      max: "member",
    });
  });
});

Deno.test("MemberModeration.act() answers a non-member exactly as for a room that does not exist", async () => {
  await withKvServices(["olga", "mia", "eve"], async (services, { olga, mia, eve }) => {
    const room = await roomOf(services, olga, [mia]);
    assertRefused(
      await services.memberModeration.act(eve.id, room, mia.id, "kick"),
      ...NO_SUCH_ROOM,
    );
    assertRefused(
      await services.memberModeration.act(eve.id, "nope", mia.id, "kick"),
      ...NO_SUCH_ROOM,
    );
    assert.equal(await services.roomDetails.details(room, eve.id), null);
  });
});

Deno.test("MemberModeration.act() refuses kicking or muting someone who is not a member", async () => {
  await withKvServices(["olga", "eve"], async (services, { olga, eve }) => {
    const room = await roomOf(services, olga, []);
    assertRefused(
      await services.memberModeration.act(olga.id, room, eve.id, "kick"),
      ...NO_SUCH_MEMBER,
    );
    assertRefused(
      await services.memberModeration.act(olga.id, room, eve.id, "mute"),
      ...NO_SUCH_MEMBER,
    );
    assertRefused(
      await services.memberModeration.act(olga.id, room, "no-such-id", "ban"),
      ...NO_SUCH_MEMBER,
    );
    assertRefused(
      await services.memberModeration.act(olga.id, room, eve.id, "unban"),
      ...NO_SUCH_MEMBER,
    );
  });
});

Deno.test("MemberModeration.act() lets only the owner promote a member and demote an admin", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(
      await services.memberModeration.act(adam.id, room, mia.id, "promote"),
      ...FORBIDDEN,
    );
    assertRefused(
      await services.memberModeration.act(olga.id, room, adam.id, "promote"),
      ...FORBIDDEN,
    );
    assertRefused(
      await services.memberModeration.act(olga.id, room, mia.id, "demote"),
      ...FORBIDDEN,
    );
    assert.deepEqual(await services.memberModeration.act(olga.id, room, mia.id, "promote"), {
      ok: true,
    });
    assert.deepEqual(await services.memberModeration.act(olga.id, room, adam.id, "demote"), {
      ok: true,
    });
    assert.deepEqual(await roster(services, olga, room), {
      olga: "owner",
      adam: "member",
      mia: "admin",
    });
  });
});

Deno.test("MemberModeration.act() ban removes the member and keeps them out until unbanned; managers see the ban list", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const { rooms, clock, kv, memberModeration, roomDetails } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    clock.advance(5_000);
    assert.deepEqual(await memberModeration.act(adam.id, room, mia.id, "ban"), { ok: true });
    assert.equal(await rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.posted.at(-1), {
      room,
      event: { type: "banned", user: "mia", by: "adam" },
    });
    assertRefused(await rooms.join(mia.id, room), ...NO_SUCH_ROOM);
    const bans = await Array.fromAsync(
      kv.list<{ at: number; by: string }>({ prefix: keys.roomBans(room) }),
    );
    assert.deepEqual(bans.map((entry) => entry.value), [{ at: clock.now(), by: adam.id }]);
    assert.deepEqual((await roomDetails.details(room, adam.id))!.banned.map((u) => u.name), [
      "mia",
    ]);

    assert.deepEqual(await memberModeration.act(olga.id, room, mia.id, "unban"), { ok: true });
    assert.deepEqual((await roomDetails.details(room, olga.id))!.banned, []);
    const rejoined = await rooms.join(mia.id, room);
    assert.ok(rejoined.ok);
    assert.equal(rejoined.added, true);
    assert.deepEqual((await roomDetails.details(room, mia.id))!.banned, [], "hidden from members");
  });
});

Deno.test("MemberModeration.act() mute and unmute change the member's right to post and tell every node", async () => {
  await withKvServices(["olga", "mia"], async (services, { olga, mia }) => {
    const room = await roomOf(services, olga, [mia]);
    services.published.length = 0;
    assert.deepEqual(await services.memberModeration.act(olga.id, room, mia.id, "mute"), {
      ok: true,
    });
    assert.equal((await roster(services, olga, room)).mia, "member+muted");
    assert.deepEqual(await services.memberModeration.act(olga.id, room, mia.id, "unmute"), {
      ok: true,
    });
    assert.equal((await roster(services, olga, room)).mia, "member");
    assert.deepEqual(services.published, [
      { kind: "rights_changed", room, user: mia.id },
      { kind: "rights_changed", room, user: mia.id },
    ]);
  });
});

Deno.test("MemberModeration.invite() adds a friend of an admin at once and tells them; others get one refusal", async () => {
  await withKvServices(["olga", "adam", "fred", "eve"], async (services, users) => {
    const { olga, adam, fred, eve } = users;
    const { friends, rooms, memberModeration } = services;
    const room = await roomOf(services, olga, [], [adam]);
    assertRefused(await memberModeration.invite(adam.id, room, fred.name), ...FRIENDS_ONLY);
    assertRefused(await memberModeration.invite(adam.id, room, "nobody-here"), ...FRIENDS_ONLY);
    assertRefused(await memberModeration.invite(adam.id, room, adam.name), ...FRIENDS_ONLY);
    await friends.request(adam.id, fred.name);
    assert.deepEqual(await friends.accept(fred.id, adam.name), { ok: true });

    assert.deepEqual(await memberModeration.invite(adam.id, room, fred.name), { ok: true });
    assert.equal(await rooms.isMember(room, fred.id), true);
    const notice = services.notices.at(-1)!;
    assert.deepEqual(notice.users, [fred.id]);
    assert.equal(notice.event.kind === "room_joined" && notice.event.room.id, room);
    assert.deepEqual(services.posted.at(-1), {
      room,
      event: { type: "added", user: "fred", by: "adam" },
    });
    assertRefused(await memberModeration.invite(adam.id, room, fred.name), 409, "Already a member");
    assertRefused(await memberModeration.invite(eve.id, room, fred.name), ...NO_SUCH_ROOM);
  });
});

Deno.test("MemberModeration.invite() refuses a plain member, and a friend who is banned from the room", async () => {
  await withKvServices(["olga", "mia", "fred"], async (services, { olga, mia, fred }) => {
    const { friends, memberModeration } = services;
    const room = await roomOf(services, olga, [mia, fred]);
    for (const friend of [mia, fred]) {
      await friends.request(olga.id, friend.name);
      await friends.accept(friend.id, olga.name);
    }
    assert.deepEqual(await memberModeration.act(olga.id, room, fred.id, "ban"), { ok: true });
    assertRefused(await memberModeration.invite(mia.id, room, fred.name), ...FORBIDDEN);
    assertRefused(await memberModeration.invite(olga.id, room, fred.name), ...FRIENDS_ONLY);
    assert.equal(await services.rooms.isMember(room, fred.id), false);
  });
});

Deno.test("MemberModeration.transfer() makes a member the owner and the old owner an admin; nobody else may", async () => {
  await withKvServices(["olga", "adam", "mia", "eve"], async (services, users) => {
    const { olga, adam, mia, eve } = users;
    const { memberModeration } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(await memberModeration.transfer(adam.id, room, mia.id), ...FORBIDDEN);
    assertRefused(await memberModeration.transfer(olga.id, room, olga.id), ...FORBIDDEN);
    assertRefused(await memberModeration.transfer(olga.id, room, eve.id), ...NO_SUCH_MEMBER);
    assertRefused(await memberModeration.transfer(eve.id, room, mia.id), ...NO_SUCH_ROOM);
    assert.deepEqual(await memberModeration.transfer(olga.id, room, mia.id), { ok: true });
    assert.deepEqual(services.posted.at(-1), {
      room,
      event: { type: "owner_changed", user: "mia", by: "olga" },
    });
    assert.deepEqual(await roster(services, mia, room), {
      olga: "admin",
      adam: "admin",
      mia: "owner",
    });
    assertRefused(await memberModeration.act(olga.id, room, mia.id, "kick"), ...FORBIDDEN);
  });
});
