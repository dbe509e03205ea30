import assert from "node:assert/strict";
import { MAX_RECENT, readRecent, readTone, rememberRecent, saveTone } from "./recent_emoji.ts";
import { MemoryStorage } from "./testing/memory_storage.ts";

Deno.test("rememberRecent() keeps the newest first, once each, at most MAX_RECENT", () => {
  const storage = new MemoryStorage();
  for (let i = 0; i < MAX_RECENT + 5; i++) rememberRecent(storage, `e${i}`);
  rememberRecent(storage, "e10");
  const recent = readRecent(storage);
  assert.equal(recent.length, MAX_RECENT);
  assert.equal(recent[0], "e10");
  assert.equal(recent.filter((e) => e === "e10").length, 1);
});

Deno.test("readRecent() and readTone() read damaged storage as empty and default", () => {
  const storage = new MemoryStorage();
  storage.setItem("chat.emoji.recent", "{not json");
  storage.setItem("chat.emoji.tone", "9");
  assert.deepEqual(readRecent(storage), []);
  assert.equal(readTone(storage), 0);
  saveTone(storage, 3);
  assert.equal(readTone(storage), 3);
});
