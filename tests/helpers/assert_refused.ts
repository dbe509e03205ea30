/**
 * One assertion for the refusals the services return (`{ ok: false, status, error }` today),
 * so that when the refusal shape changes, unit tests change here and nowhere else.
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
