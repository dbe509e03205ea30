import assert from "node:assert/strict";
import { roomFromHash, roomHash } from "./room_hash.ts";

Deno.test("roomFromHash() reads what roomHash() writes and ignores other hashes", () => {
  assert.equal(roomHash("a-b_c"), "#room=a-b_c");
  assert.equal(roomFromHash(roomHash("a b/c")), "a b/c");
  assert.equal(roomFromHash(""), null);
  assert.equal(roomFromHash("#room="), null);
  assert.equal(roomFromHash("#other=1"), null);
  assert.equal(roomFromHash("#room=%E0%A4%A"), null);
});
