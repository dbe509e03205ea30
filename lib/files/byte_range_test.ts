import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { parseRange } from "./byte_range.ts";

Deno.test("parseRange() reads a closed, an open and a suffix range", () => {
  assertEquals(parseRange("bytes=0-9", 100), { kind: "part", start: 0, end: 9 });
  assertEquals(parseRange("bytes=90-", 100), { kind: "part", start: 90, end: 99 });
  assertEquals(parseRange("bytes=-10", 100), { kind: "part", start: 90, end: 99 });
  assertEquals(parseRange("bytes=50-500", 100), { kind: "part", start: 50, end: 99 });
});

Deno.test("parseRange() refuses a range past the end and serves the whole for others", () => {
  assertEquals(parseRange("bytes=100-", 100), { kind: "unsatisfiable" });
  assertEquals(parseRange("bytes=9-3", 100), { kind: "unsatisfiable" });
  assertEquals(parseRange(undefined, 100), { kind: "whole" });
  assertEquals(parseRange("bytes=0-1,5-6", 100), { kind: "whole" });
  assertEquals(parseRange("items=0-1", 100), { kind: "whole" });
});
