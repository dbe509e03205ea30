import assert from "node:assert/strict";
import { BlockCache } from "./block_cache.ts";

/** A reader that counts its reads and answers `blocked` for every user. */
function counting(blocked: string[]) {
  const reader = {
    reads: 0,
    read: (_userId: string): Promise<ReadonlySet<string>> => {
      reader.reads++;
      return Promise.resolve(new Set(blocked));
    },
  };
  return reader;
}

Deno.test("BlockCache reads nothing until warm() and refuses typing before its first read", async () => {
  const reader = counting(["mallory"]);
  const cache = new BlockCache(reader.read, "alice");
  assert.equal(reader.reads, 0);
  assert.equal(cache.accepts("bob"), false);
  cache.warm();
  cache.warm();
  assert.equal(reader.reads, 1);
  await cache.read();
  assert.equal(cache.accepts("bob"), true);
  assert.equal(cache.accepts("mallory"), false);
});

Deno.test("BlockCache.changed() re-reads a list it read, and leaves an unread one unread", async () => {
  const reader = counting([]);
  const cache = new BlockCache(reader.read, "alice");
  cache.changed();
  assert.equal(reader.reads, 0);
  await cache.read();
  assert.equal(reader.reads, 1);
  cache.changed();
  assert.equal(reader.reads, 2);
  // While the re-read is under way, nobody's typing passes (a block just made holds at once).
  assert.equal(cache.accepts("bob"), false);
  await cache.read();
  assert.equal(cache.accepts("bob"), true);
});

Deno.test("BlockCache.read() starts the first read when nothing warmed it", async () => {
  const reader = counting(["mallory"]);
  const cache = new BlockCache(reader.read, "alice");
  assert.deepEqual([...await cache.read()], ["mallory"]);
  assert.equal(reader.reads, 1);
});
