import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

Deno.test("backoffDelay() doubles its ceiling per attempt up to the cap", () => {
  const options = { baseMs: 500, capMs: 15_000 };
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 50].map((attempt) =>
    backoffDelay(attempt, () => 0.9999999, options) + 1
  );
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  assert.equal(backoffDelay(3, () => 0, options), 0);
});
