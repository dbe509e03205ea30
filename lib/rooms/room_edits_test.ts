import assert from "node:assert/strict";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { withKvServices } from "../../tests/helpers/kv_services.ts";

import { FORBIDDEN, NO_SUCH_ROOM, roomOf } from "../../tests/helpers/room_services_fixture.ts";

Deno.test("RoomEdits.update() renames the room and sets its topic for managers, with one system message each", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const { rooms, roomEdits } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    const posted = services.posted.length;
    assert.deepEqual(
      await roomEdits.update(adam.id, room, { name: "  lounge ", topic: "tea" }),
      { ok: true },
    );
    assert.deepEqual(services.posted.slice(posted), [
      { room, event: { type: "renamed", by: "adam", name: "lounge" } },
      { room, event: { type: "topic_set", by: "adam", topic: "tea" } },
    ]);
    const summary = await rooms.get(room);
    assert.deepEqual([summary?.name, summary?.topic], ["lounge", "tea"]);
    const notice = services.notices.at(-1)!;
    assert.deepEqual(new Set(notice.users), new Set([olga.id, adam.id, mia.id]));
    assert.equal(notice.event.kind, "room_updated");
    assert.deepEqual(await roomEdits.update(olga.id, room, { topic: "" }), { ok: true });
    assert.deepEqual(services.posted.at(-1), {
      room,
      event: { type: "topic_cleared", by: "olga" },
    });
  });
});

Deno.test("RoomEdits.update() refuses a plain member, a non-member, an empty name and an overlong topic", async () => {
  await withKvServices(["olga", "mia", "eve"], async (services, { olga, mia, eve }) => {
    const { rooms, roomEdits } = services;
    const room = await roomOf(services, olga, [mia]);
    assertRefused(await roomEdits.update(mia.id, room, { name: "mine" }), ...FORBIDDEN);
    assertRefused(await roomEdits.update(eve.id, room, { name: "mine" }), ...NO_SUCH_ROOM);
    const empty = await roomEdits.update(olga.id, room, { name: "   " });
    assert.equal(empty.ok === false && empty.status, 400);
    assert.match(empty.ok === false ? empty.error : "", /^Room name must be 1–\d+ characters$/);
    const long = await roomEdits.update(olga.id, room, { topic: "x".repeat(10_000) });
    assert.equal(long.ok === false && long.status, 400);
    assert.match(long.ok === false ? long.error : "", /^Topic must be at most \d+ characters$/);
    assert.equal((await rooms.get(room))?.name, "general");
  });
});
