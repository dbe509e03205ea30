import assert from "node:assert/strict";
import { serialize } from "node:v8";
import { BLOCK_SPAN_MS, planBlocks } from "./merge_plan.ts";
import { packBlock } from "./posting_block.ts";
import type { PendingPosting } from "./search_pending.ts";

function posting(room: string, seq: number, at: number, terms: string[]): PendingPosting {
  return { room, seq, at, from: `sender_${seq % 7}`, terms };
}

Deno.test("planBlocks() lists each term's postings newest first, cut at BLOCK_SPAN_MS", () => {
  const postings = [
    posting("b", 1, 1_000, ["meeting"]),
    posting("a", 2, 3_000, ["meeting", "会议"]),
    posting("a", 1, 1_000, ["会议"]),
    posting("c", 9, 1_000 + BLOCK_SPAN_MS + 1, ["meeting"]),
  ];
  const blocks = planBlocks(postings).map((block) => ({
    term: block.term,
    postings: block.postings.map(([room, seq]) => `${room}${seq}`),
  }));
  assert.deepEqual(blocks, [
    { term: "meeting", postings: ["c9", "a2"] },
    { term: "meeting", postings: ["b1"] },
    { term: "会议", postings: ["a2", "a1"] },
  ]);
});

Deno.test("planBlocks() never estimates a block smaller than V8 serializes it, and cuts at 40 KiB", () => {
  const postings = Array.from(
    { length: 6_000 },
    (_, i) =>
      posting(`room_${i % 900}_${"x".repeat(i % 20)}`, i, 1_000_000 + i, ["word", `w${i % 50}`]),
  );
  const blocks = planBlocks(postings);
  for (const block of blocks) {
    const actual = serialize(packBlock(block.postings)).length;
    assert.ok(block.bytes >= actual, `${block.bytes} estimated, ${actual} serialized`);
    assert.ok(actual < 48 * 1024, `a block of ${actual} bytes`);
  }
  assert.ok(blocks.filter((block) => block.term === "word").length > 1, "cut by size");
});
