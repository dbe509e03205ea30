/**
 * One assertion for the refusals the services return (`{ ok: false, status, error }`: see
 * `lib/common/refusal.ts`), so that if the refusal shape changes, unit tests change here only.
 *
 * @module
 */
import assert from "node:assert/strict";

/**
 * Asserts that `result` is exactly the refusal with HTTP `status` and message `error`, and
 * nothing else.
 *
 * @example
 * ```ts
 * assertRefused(await friends.accept(bob.id, "alice"), 404, "No such request");
 * ```
 */
export function assertRefused(result: unknown, status: number, error: string): void {
  assert.deepEqual(result, { ok: false, status, error });
}
