import assert from "node:assert/strict";
import { formatShortTime, formatTime } from "./format_time.ts";

const at = (day: number, hour: number, minute = 0) =>
  new Date(2024, 0, day, hour, minute).getTime();

Deno.test("formatTime() shows 24-hour hours and minutes in both locales", () => {
  assert.equal(formatTime(at(2, 9, 5), "en"), "09:05");
  assert.equal(formatTime(at(2, 21, 30), "zh-CN"), "21:30");
});

Deno.test("formatShortTime() shows the time today", () => {
  assert.equal(formatShortTime(at(2, 8, 15), at(2, 23), "en"), "08:15");
});

Deno.test("formatShortTime() says yesterday in the UI language", () => {
  assert.equal(formatShortTime(at(1, 23), at(2, 1), "en"), "yesterday");
  assert.equal(formatShortTime(at(1, 23), at(2, 1), "zh-CN"), "昨天");
});

Deno.test("formatShortTime() shows the short date for older days", () => {
  assert.equal(formatShortTime(at(1, 12), at(5, 12), "en"), "Jan 1");
  assert.equal(formatShortTime(at(1, 12), at(5, 12), "zh-CN"), "1月1日");
});
