import assert from "node:assert/strict";
import { directRoomId, isDirectRoomId } from "./direct_room_id.ts";
import { newId } from "../common/ids.ts";

Deno.test("directRoomId() is the same for both orders of the pair and fits the room id pattern", async () => {
  const a = newId();
  const b = newId();
  const id = await directRoomId(a, b);
  assert.equal(id, await directRoomId(b, a));
  assert.notEqual(id, await directRoomId(a, newId()));
  assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
  assert.ok(isDirectRoomId(id));
});

Deno.test("isDirectRoomId() is false for group room ids", () => {
  for (let i = 0; i < 100; i++) assert.equal(isDirectRoomId(newId()), false);
  assert.equal(isDirectRoomId("dm_short"), false);
});
