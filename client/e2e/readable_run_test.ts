import assert from "node:assert/strict";
import { readableRun } from "./readable_run.ts";

const entries = (...seqs: number[]) => seqs.map((seq) => ({ seq }));

Deno.test("readableRun() takes the entries after the cursor up to the first gap", () => {
  assert.deepEqual(readableRun(entries(4, 5, 6, 8, 9), 3), entries(4, 5, 6));
  assert.deepEqual(readableRun(entries(2, 3, 4), 3), entries(4));
});

Deno.test("readableRun() never starts a device's first read after a missing seq 1: its own commit acked ahead of another's is not the room's first", () => {
  // Two devices started the group of an empty room: the other's commit got seq 1, this
  // device's own got seq 2 and its ack arrived before seq 1 did.
  assert.deepEqual(readableRun(entries(2), 0), []);
  assert.deepEqual(readableRun(entries(1, 2), 0), entries(1, 2));
});

Deno.test("readableRun() waits for the entry right after the cursor", () => {
  assert.deepEqual(readableRun(entries(7, 8), 5), []);
});
