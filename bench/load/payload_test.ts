import assert from "node:assert/strict";
import { decodeBytes, decoded, decodeString, encodePayload } from "./payload.mjs";

Deno.test("decodeBytes() reads back what encodePayload() wrote", () => {
  const text = encodePayload(42, 123456, 7, 98765.4321);
  const frame = new TextEncoder().encode(`{"text":"${text}"}`);
  decodeBytes(frame, 9);
  assert.deepEqual({ ...decoded, scheduled: 0 }, {
    local: 42,
    number: 123456,
    step: 7,
    scheduled: 0,
  });
  assert.ok(Math.abs(decoded.scheduled - 98765.432) < 1e-9);
});

Deno.test("decodeString() agrees with decodeBytes()", () => {
  decodeString(encodePayload(0, 1, 2, 3.5));
  assert.deepEqual({ ...decoded }, { local: 0, number: 1, step: 2, scheduled: 3.5 });
});
