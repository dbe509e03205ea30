import assert from "node:assert/strict";
import { relativeTime } from "./relative_time.ts";

const NOW = 1_700_000_000_000;

Deno.test("relativeTime() says how long ago in the largest unit that fits, in the page's language", () => {
  assert.equal(relativeTime("en", NOW - 5_000, NOW), "1 minute ago");
  assert.equal(relativeTime("en", NOW - 5 * 60_000, NOW), "5 minutes ago");
  assert.equal(relativeTime("en", NOW - 3 * 3_600_000, NOW), "3 hours ago");
  assert.equal(relativeTime("en", NOW - 86_400_000, NOW), "yesterday");
  assert.equal(relativeTime("zh-CN", NOW - 5 * 60_000, NOW), "5分钟前");
});
