import assert from "node:assert/strict";
import { MERGE_MAX_AGE_MS, MERGE_TARGET_POSTINGS, MergeSchedule } from "./merge_schedule.ts";

Deno.test("MergeSchedule waits for about MERGE_TARGET_POSTINGS postings at the last merge's rate", () => {
  const schedule = new MergeSchedule();
  // 100 postings a second: the target is 10 s of them, so the age bound decides.
  schedule.merged(200, 2_000);
  assert.equal(schedule.due(5_000), false);
  assert.equal(schedule.due(MERGE_MAX_AGE_MS), true);
  // 1,000 postings a second: due after 1 s.
  schedule.merged(4_000, 4_000);
  assert.equal(schedule.due(900), false);
  assert.equal(schedule.due(1_000), true);
  // A merge that found nothing (another merger took it) keeps the rate it knew.
  schedule.merged(0, 3_000);
  assert.equal(schedule.due(1_000), true);
});

Deno.test("MergeSchedule merges a quiet server's few postings once the oldest is MERGE_MAX_AGE_MS old", () => {
  const schedule = new MergeSchedule();
  schedule.merged(1, 10_000);
  assert.equal(schedule.due(MERGE_MAX_AGE_MS - 1), false);
  assert.equal(schedule.due(MERGE_MAX_AGE_MS), true);
  assert.ok(MERGE_TARGET_POSTINGS > 1);
});

Deno.test("MergeSchedule merges after 2 s before it knows a rate", () => {
  const schedule = new MergeSchedule();
  assert.equal(schedule.due(1_999), false);
  assert.equal(schedule.due(2_000), true);
});
