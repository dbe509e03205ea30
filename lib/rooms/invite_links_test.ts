import assert from "node:assert/strict";
import { withKvServices } from "../../tests/helpers/kv_services.ts";
import { roomOf } from "../../tests/helpers/room_services_fixture.ts";

Deno.test("InviteLinks.accept() joins the user and posts that they joined with an invite link, once", async () => {
  await withKvServices(["olga", "nina"], async (services, { olga, nina }) => {
    const { inviteLinks, rooms } = services;
    const room = await roomOf(services, olga, []);
    const created = await inviteLinks.create(olga.id, room, 1, 5);
    assert.ok(created.ok);
    const posted = services.posted.length;
    const joined = await inviteLinks.accept(nina.id, created.link.token);
    assert.equal(joined.ok && joined.room.id, room);
    assert.equal(await rooms.isMember(room, nina.id), true);
    assert.ok(
      (await inviteLinks.accept(nina.id, created.link.token)).ok,
      "a member may use it again",
    );
    assert.deepEqual(services.posted.slice(posted), [
      { room, event: { type: "joined_by_link", user: "nina" } },
    ]);
  });
});
