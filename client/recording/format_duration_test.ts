import assert from "node:assert/strict";
import { formatDuration } from "./format_duration.ts";

Deno.test("formatDuration() shows minutes and two-digit seconds, rounded down", () => {
  assert.equal(formatDuration(3.9), "0:03");
  assert.equal(formatDuration(125), "2:05");
  assert.equal(formatDuration(600), "10:00");
});

Deno.test("formatDuration() shows 0:00 for an unknown or negative length", () => {
  assert.equal(formatDuration(Infinity), "0:00");
  assert.equal(formatDuration(Number.NaN), "0:00");
  assert.equal(formatDuration(-2), "0:00");
});
