import assert from "node:assert/strict";
import { completionAt, replaceRange } from "./composer_completion.ts";

Deno.test("completionAt() completes a mention from the first character after @", () => {
  assert.deepEqual(completionAt("@", 1), { kind: "mention", query: "", start: 0, end: 1 });
  assert.deepEqual(completionAt("hi @bo there", 6), {
    kind: "mention",
    query: "bo",
    start: 3,
    end: 6,
  });
});

Deno.test("completionAt() completes a shortcode once two characters follow the colon", () => {
  assert.equal(completionAt("so :s", 5), undefined);
  assert.deepEqual(completionAt("so :sm", 6), { kind: "emoji", query: "sm", start: 3, end: 6 });
  assert.deepEqual(completionAt(":+1", 3), { kind: "emoji", query: "+1", start: 0, end: 3 });
});

Deno.test("completionAt() ignores sigils inside words, times and after spaces", () => {
  assert.equal(completionAt("mail a@bob", 10), undefined);
  assert.equal(completionAt("at 12:30", 8), undefined);
  assert.equal(completionAt("@bob done", 9), undefined);
  assert.equal(completionAt("a:smile", 7), undefined);
});

Deno.test("replaceRange() puts the pick in place and the caret after it", () => {
  assert.deepEqual(replaceRange("hi @bo!", 3, 6, "@bob "), { text: "hi @bob !", caret: 8 });
  assert.deepEqual(replaceRange("ab", 1, 1, "😀"), { text: "a😀b", caret: 3 });
});
