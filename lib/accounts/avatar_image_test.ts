import assert from "node:assert/strict";
import { assertRefused } from "../../tests/helpers/assert_refused.ts";
import { MAX_AVATAR_BYTES } from "../common/api_types.ts";
import { checkAvatar, sniffImageType } from "./avatar_image.ts";

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(
    values.flatMap((v) => typeof v === "string" ? [...v].map((c) => c.charCodeAt(0)) : [v]),
  );

Deno.test("sniffImageType() tells PNG, JPEG and WebP by their magic numbers", () => {
  assert.equal(sniffImageType(bytes(0x89, "PNG\r\n", 0x1a, "\n", 0)), "image/png");
  assert.equal(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xdb)), "image/jpeg");
  assert.equal(sniffImageType(bytes("RIFF", 0, 0, 0, 0, "WEBPVP8 ")), "image/webp");
});

Deno.test("sniffImageType() refuses other types and truncated headers", () => {
  for (const sample of ["GIF89a", "<svg xmlns=", "RIFF\0\0\0\0WAVE", "\x89PNG", "", "BM"]) {
    assert.equal(sniffImageType(bytes(sample)), null, JSON.stringify(sample));
  }
});

Deno.test("checkAvatar() answers 413 over the limit before looking at the type, 415 for a non-image", () => {
  const big = new Uint8Array(MAX_AVATAR_BYTES + 1);
  assertRefused(checkAvatar(big), 413, "The avatar must be at most 60 KiB");
  assert.equal(checkAvatar(bytes("hello")).ok, false);
  assert.deepEqual(checkAvatar(bytes(0xff, 0xd8, 0xff)), { ok: true, type: "image/jpeg" });
});
