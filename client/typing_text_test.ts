import assert from "node:assert/strict";
import { typingText } from "./typing_text.ts";

Deno.test("typingText() names one, two or three typists, and says 'several' beyond", () => {
  assert.equal(typingText([], "en"), null);
  assert.deepEqual(typingText(["Alice"], "en"), { key: "typing.one", params: { names: "Alice" } });
  assert.deepEqual(typingText(["Alice", "Bob"], "en"), {
    key: "typing.some",
    params: { names: "Alice and Bob" },
  });
  assert.deepEqual(typingText(["甲", "乙", "丙"], "zh-CN"), {
    key: "typing.some",
    params: { names: "甲、乙和丙" },
  });
  assert.deepEqual(typingText(["a", "b", "c", "d"], "en"), { key: "typing.several" });
});
