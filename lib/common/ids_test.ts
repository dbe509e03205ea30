import assert from "node:assert/strict";
import { newId, toBase64Url } from "./ids.ts";

/** The same bytes without `toBase64`, as in a browser that lacks it. */
function withoutNativeEncoder(bytes: Uint8Array): Uint8Array {
  return Object.defineProperty(bytes, "toBase64", { value: undefined });
}

Deno.test("newId() returns 22 URL-safe characters, different every time", () => {
  const ids = new Set(Array.from({ length: 1000 }, newId));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

Deno.test("toBase64Url() encodes alike with and without the runtime's encoder", () => {
  // Every byte value, at every offset of a 3-byte group, and every padding length.
  const all = Uint8Array.from({ length: 256 * 3 }, (_, i) => (i * 7 + (i >> 8)) & 255);
  for (let length = 0; length <= 34; length++) {
    const bytes = all.slice(length * 19, length * 19 + length);
    const native = toBase64Url(bytes);
    assert.equal(toBase64Url(withoutNativeEncoder(bytes.slice())), native);
    assert.match(native, /^[A-Za-z0-9_-]*$/);
  }
  assert.equal(toBase64Url(new Uint8Array([0xfb, 0xff, 0xbf])), "-_-_");
  assert.equal(toBase64Url(withoutNativeEncoder(new Uint8Array([0xfb, 0xff, 0xbf]))), "-_-_");
  assert.equal(toBase64Url(new Uint8Array([0xff])), "_w");
});
