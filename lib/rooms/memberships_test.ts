import assert from "node:assert/strict";
import { keys } from "../kv/kv_keys.ts";
import {
  deleteMembership,
  membershipKeys,
  membersOfRoom,
  readMembership,
  roomsOfUser,
  setMembership,
} from "./memberships.ts";
import type { Membership } from "./room_record.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";

const member: Membership = { joinedAt: 7, role: "member" };

Deno.test("setMembership() writes the same value under the room's and the user's key", async () => {
  await withMemoryKv(async (kv) => {
    await setMembership(kv.atomic(), "r1", "u1", member).commit();
    assert.deepEqual((await kv.get(keys.roomMember("r1", "u1"))).value, member);
    assert.deepEqual((await kv.get(keys.userRoom("u1", "r1"))).value, member);
    assert.deepEqual(await readMembership(kv, "r1", "u1"), member);
  });
});

Deno.test("deleteMembership() removes both keys and leaves other memberships alone", async () => {
  await withMemoryKv(async (kv) => {
    const atomic = kv.atomic();
    setMembership(atomic, "r1", "u1", member);
    setMembership(atomic, "r1", "u2", member);
    setMembership(atomic, "r2", "u1", member);
    await atomic.commit();
    await deleteMembership(kv.atomic(), "r1", "u1").commit();
    for (const key of membershipKeys("r1", "u1")) {
      assert.equal((await kv.get(key)).versionstamp, null);
    }
    assert.equal(await readMembership(kv, "r1", "u1"), null);
    assert.deepEqual((await membersOfRoom(kv, "r1")).map((m) => m.userId), ["u2"]);
    assert.deepEqual((await roomsOfUser(kv, "u1")).map((m) => m.roomId), ["r2"]);
  });
});

Deno.test("membersOfRoom() and roomsOfUser() list by id, up to the limit", async () => {
  await withMemoryKv(async (kv) => {
    const atomic = kv.atomic();
    for (const user of ["u3", "u1", "u2"]) setMembership(atomic, "r1", user, member);
    for (const room of ["r3", "r2"]) setMembership(atomic, room, "u1", { joinedAt: 9 });
    await atomic.commit();
    assert.deepEqual(await membersOfRoom(kv, "r1", 2), [
      { userId: "u1", membership: member },
      { userId: "u2", membership: member },
    ]);
    assert.deepEqual((await roomsOfUser(kv, "u1")).map((m) => m.roomId), ["r1", "r2", "r3"]);
    assert.deepEqual(await membersOfRoom(kv, "nope"), []);
  });
});

Deno.test("every membership write moves its user's rooms_mark and no one else's", async () => {
  await withMemoryKv(async (kv) => {
    const mark = async (user: string) => (await kv.get(keys.roomsMark(user))).versionstamp ?? "";
    await setMembership(kv.atomic(), "r1", "u2", member).commit();
    const other = await mark("u2");
    let last = await mark("u1");
    assert.equal(last, "", "none before a membership");
    const writes: [string, (atomic: Deno.AtomicOperation) => Deno.AtomicOperation][] = [
      ["added", (atomic) => setMembership(atomic, "r1", "u1", member)],
      ["muted", (atomic) => setMembership(atomic, "r1", "u1", { ...member, muted: true })],
      ["removed", (atomic) => deleteMembership(atomic, "r1", "u1")],
    ];
    for (const [what, write] of writes) {
      await write(kv.atomic()).commit();
      const now = await mark("u1");
      assert.ok(now > last, `${what} moves it`);
      last = now;
    }
    assert.equal(await mark("u2"), other, "another member's stays");
  });
});
