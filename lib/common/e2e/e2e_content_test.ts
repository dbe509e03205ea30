import assert from "node:assert/strict";
import { decodeE2eContent, type E2eContent, encodeE2eContent } from "./e2e_content.ts";

const file = {
  id: "a".repeat(64),
  key: "A".repeat(43) + "=",
  iv: "B".repeat(16),
  name: "合同.pdf",
  type: "application/pdf",
  size: 1234,
};

function decodeJson(value: unknown): E2eContent | undefined {
  return decodeE2eContent(new TextEncoder().encode(JSON.stringify(value)));
}

Deno.test("decodeE2eContent() reads back every kind encodeE2eContent() writes", () => {
  const kinds: E2eContent[] = [
    { v: 1, text: "你好" },
    { v: 1, text: "yes", reply: { seq: 3, from: "u1", author: "alice", quote: "lunch?" } },
    { v: 1, text: "", files: [{ ...file, type: "image/png", width: 4, height: 3 }] },
    { v: 1, text: "fixed", edit: 7 },
    { v: 1, reaction: { seq: 7, emoji: "👍🏽", on: false } },
  ];
  for (const content of kinds) {
    assert.deepEqual(decodeE2eContent(encodeE2eContent(content)), content);
  }
});

Deno.test("decodeE2eContent() reads the unversioned {text} of the first slice as a message", () => {
  assert.deepEqual(decodeJson({ text: "old" }), { v: 1, text: "old" });
});

Deno.test("decodeE2eContent() refuses other shapes, versions and bytes without throwing", () => {
  const bad: unknown[] = [
    null,
    [],
    "text",
    { v: 2, text: "from the future" },
    { text: 5 },
    { text: "" },
    { text: "x".repeat(4001) },
    { text: "edit", edit: 0 },
    { text: "   ", edit: 4 },
    { reaction: { seq: 1, emoji: "not one emoji", on: true } },
    { reaction: { seq: 1, emoji: "👍", on: "yes" } },
    { text: "r", reply: { seq: 1, from: "u", author: "a", quote: "q".repeat(101) } },
    { text: "r", reply: { seq: "1", from: "u", author: "a", quote: "q" } },
    { text: "", files: [] },
    { text: "", files: [{ ...file, id: "../../etc" }] },
    { text: "", files: [{ ...file, id: 64 }] },
    { text: "", files: [{ ...file, key: "short" }] },
    { text: "", files: [{ ...file, width: 3 }] },
    { text: "", files: Array.from({ length: 11 }, () => file) },
  ];
  for (const value of bad) assert.equal(decodeJson(value), undefined, JSON.stringify(value));
  assert.equal(decodeE2eContent(new Uint8Array([0xff, 0xfe, 0x7b])), undefined);
  assert.equal(decodeE2eContent(new TextEncoder().encode("{not json")), undefined);
});
