import assert from "node:assert/strict";
import { messageHash } from "./message_link.ts";
import { messageFromHash, roomFromHash, roomHash } from "./room_hash.ts";

Deno.test("roomFromHash() reads what roomHash() writes and ignores other hashes", () => {
  assert.equal(roomHash("a-b_c"), "#room=a-b_c");
  assert.equal(roomFromHash(roomHash("a b/c")), "a b/c");
  assert.equal(roomFromHash(""), null);
  assert.equal(roomFromHash("#room="), null);
  assert.equal(roomFromHash("#other=1"), null);
  assert.equal(roomFromHash("#room=%E0%A4%A"), null);
});

Deno.test("messageHash() links to a message that messageFromHash() and roomFromHash() read back", () => {
  const hash = messageHash("gen-1", 42);
  assert.equal(hash, "#room=gen-1&msg=42");
  assert.equal(roomFromHash(hash), "gen-1");
  assert.equal(messageFromHash(hash), 42);
  assert.equal(messageFromHash("#room=gen-1"), null);
  assert.equal(messageFromHash("#room=gen-1&msg=-3"), null);
});
