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

/** Who got a typing notice through `cache.ifAccepts`, in order. */
function notices(cache: BlockCache) {
  const got: string[] = [];
  return { got, from: (user: string) => cache.ifAccepts(user, () => got.push(user)) };
}

Deno.test("BlockCache reads nothing until warm(), and a notice before its first read waits for it", async () => {
  const reader = counting(["mallory"]);
  const cache = new BlockCache(reader.read, "alice");
  assert.equal(reader.reads, 0);
  cache.warm();
  cache.warm();
  assert.equal(reader.reads, 1);
  const typing = notices(cache);
  typing.from("bob");
  typing.from("mallory");
  assert.deepEqual(typing.got, [], "nothing passes before the list is read");
  await cache.read();
  assert.deepEqual(typing.got, ["bob"], "bob's notice passes once it is read, mallory's never");
  typing.from("bob");
  typing.from("mallory");
  assert.deepEqual(typing.got, ["bob", "bob"], "at once once the list is read");
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
});

Deno.test("BlockCache: a block just made holds from the moment the re-read starts, and others' notices wait for it", async () => {
  const lists = [new Set<string>(), new Set(["mallory"])];
  const cache = new BlockCache(() => Promise.resolve(lists.shift()!), "alice");
  await cache.read();
  const typing = notices(cache);
  typing.from("mallory");
  assert.deepEqual(typing.got, ["mallory"], "not blocked yet");
  // Alice blocks Mallory: her connection is told, and re-reads.
  cache.changed();
  typing.from("mallory");
  typing.from("bob");
  assert.deepEqual(typing.got, ["mallory"], "nothing passes while the re-read is under way");
  await cache.read();
  assert.deepEqual(typing.got, ["mallory", "bob"], "bob's waited; mallory's is held back");
});

Deno.test("BlockCache.read() starts the first read when nothing warmed it", async () => {
  const reader = counting(["mallory"]);
  const cache = new BlockCache(reader.read, "alice");
  assert.deepEqual([...await cache.read()], ["mallory"]);
  assert.equal(reader.reads, 1);
});
