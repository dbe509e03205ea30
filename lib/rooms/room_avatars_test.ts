import assert from "node:assert/strict";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { withKvServices } from "../../tests/helpers/kv_services.ts";
import { FORBIDDEN, roomOf } from "../../tests/helpers/room_services_fixture.ts";

const PICTURE = { type: "image/png" as const, bytes: new Uint8Array([137, 80, 78, 71]) };

Deno.test("RoomAvatars.set() changes and removes the picture for managers, with one system message each", async () => {
  await withKvServices(["olga", "adam", "mia"], async (services, { olga, adam, mia }) => {
    const { rooms, roomAvatars } = services;
    const room = await roomOf(services, olga, [mia], [adam]);
    const posted = services.posted.length;
    assert.deepEqual(await roomAvatars.set(adam.id, room, PICTURE), { ok: true });
    assert.ok((await rooms.get(room))?.avatarUrl);
    assert.deepEqual(await roomAvatars.set(olga.id, room, null), { ok: true });
    assert.equal((await rooms.get(room))?.avatarUrl, undefined);
    assert.deepEqual(services.posted.slice(posted), [
      { room, event: { type: "picture_changed", by: "adam" } },
      { room, event: { type: "picture_removed", by: "olga" } },
    ]);
  });
});

Deno.test("RoomAvatars.set() posts nothing when there is no picture to remove, or for a plain member", async () => {
  await withKvServices(["olga", "mia"], async (services, { olga, mia }) => {
    const room = await roomOf(services, olga, [mia]);
    const posted = services.posted.length;
    assert.deepEqual(await services.roomAvatars.set(olga.id, room, null), { ok: true });
    assertRefused(await services.roomAvatars.set(mia.id, room, PICTURE), ...FORBIDDEN);
    assert.equal(services.posted.length, posted);
  });
});
