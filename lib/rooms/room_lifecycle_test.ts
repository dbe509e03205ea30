import assert from "node:assert/strict";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { withKvServices } from "../../tests/helpers/kv_services.ts";

import { FORBIDDEN, NO_SUCH_ROOM, roomOf } from "../../tests/helpers/room_services_fixture.ts";

Deno.test("RoomLifecycle.leave() refuses the owner and removes anyone else", async () => {
  await withKvServices(["olga", "mia"], async (services, { olga, mia }) => {
    const { rooms, roomLifecycle } = services;
    const room = await roomOf(services, olga, [mia]);
    assertRefused(
      await roomLifecycle.leave(olga.id, room),
      409,
      "You are the owner: transfer ownership or delete the room before leaving",
    );
    assert.deepEqual(await roomLifecycle.leave(mia.id, room), { ok: true });
    assert.equal(await rooms.isMember(room, mia.id), false);
    assert.deepEqual(services.posted.at(-1), { room, event: { type: "left", user: "mia" } });
    assert.deepEqual(
      await roomLifecycle.leave(mia.id, room),
      { ok: true },
      "leaving twice is fine",
    );
  });
});

Deno.test("RoomLifecycle.remove() lets only the owner delete the room, and drops it from every member", async () => {
  await withKvServices(["olga", "adam", "mia", "eve"], async (services, users) => {
    const { olga, adam, mia, eve } = users;
    const { rooms, roomLifecycle } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    assertRefused(await roomLifecycle.remove(adam.id, room), ...FORBIDDEN);
    assertRefused(await roomLifecycle.remove(mia.id, room), ...FORBIDDEN);
    assertRefused(await roomLifecycle.remove(eve.id, room), ...NO_SUCH_ROOM);
    assert.notEqual(await rooms.get(room), null);
    services.published.length = 0;
    assert.deepEqual(await roomLifecycle.remove(olga.id, room), { ok: true });
    assert.equal(await rooms.get(room), null);
    for (const user of [olga, adam, mia]) assert.equal(await rooms.isMember(room, user.id), false);
    assert.deepEqual(
      new Set(services.published),
      new Set([
        ...[olga, adam, mia].map((user) => ({ kind: "left", room, user: user.id })),
        // A public room leaves every connected user's Discover.
        { kind: "everyone_event", event: { kind: "discover", roomId: room, room: null } },
      ]),
    );
    // The members are told who deleted which room; the owner who did it only loses it.
    const reason = { why: "deleted", room: "general", by: "olga" };
    assert.deepEqual(services.notices.slice(-2), [
      {
        users: [adam.id, mia.id].toSorted(),
        event: { kind: "room_removed", roomId: room, reason },
      },
      { users: [olga.id], event: { kind: "room_removed", roomId: room } },
    ]);
    assertRefused(await rooms.join(mia.id, room), ...NO_SUCH_ROOM);
    assertRefused(await roomLifecycle.remove(olga.id, room), ...NO_SUCH_ROOM);
  });
});
