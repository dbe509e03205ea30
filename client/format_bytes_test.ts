import assert from "node:assert/strict";
import { formatBytes } from "./format_bytes.ts";

Deno.test("formatBytes() picks the unit that keeps the number readable", () => {
  assert.equal(formatBytes(532, "en"), "532 byte");
  assert.equal(formatBytes(5 * 1024 * 1024 + 300_000, "en"), "5.3 MB");
  assert.equal(formatBytes(14 * 1024, "en"), "14 kB");
});
