import assert from "node:assert/strict";
import { type BlockPosting, packBlock, unpackBlock } from "./posting_block.ts";

Deno.test("packBlock() and unpackBlock() give back every posting, rooms and senders listed once", async () => {
  const postings: BlockPosting[] = [
    ["room_b", 7, 1_700_000_600_000, "alice", 3],
    ["room_a", 4_000_000_000, 1_700_000_599_999, "bob", 0],
    ["room_b", 6, 1_700_000_000_000, "alice", 1],
    ["room_c", 1, 1_700_000_000_000, "carol", 2],
  ];
  const block = packBlock(postings);
  assert.deepEqual(block.rooms, ["room_b", "room_a", "room_c"]);
  assert.deepEqual(block.senders, ["alice", "bob", "carol"]);
  assert.equal(block.newestAt, 1_700_000_600_000);
  assert.deepEqual(unpackBlock(block), postings);
  // As Deno KV stores it.
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["block"], block);
    const stored = (await kv.get<typeof block>(["block"])).value!;
    assert.deepEqual(unpackBlock(stored), postings);
  } finally {
    kv.close();
  }
});
