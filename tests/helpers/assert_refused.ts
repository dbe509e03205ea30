/**
 * One assertion for the refusals the services return (`{ ok: false, status, error }`: see
 * `lib/common/refusal.ts`), so that if the refusal shape changes, unit tests change here only.
 *
 * @module
 */
import assert from "node:assert/strict";
import { translator } from "../../lib/common/i18n/catalogues.ts";
import type { Refusal, RefusalCode } from "../../lib/common/refusal.ts";

const english = translator("en");

/**
 * Asserts that `result` is a refusal with HTTP `status` and the English message `error`, and a
 * catalogue code (`refusal.…`) that reads as `error` in English.
 *
 * @example
 * ```ts
 * assertRefused(await friends.accept(bob.id, "alice"), 404, "No such request");
 * ```
 */
export function assertRefused(result: unknown, status: number, error: string): void {
  const refused = result as Partial<Refusal>;
  assert.deepEqual(
    { ok: refused.ok, status: refused.status, error: refused.error },
    { ok: false, status, error },
  );
  assert.match(String(refused.code), /^refusal\./);
  assert.equal(english(refused.code as RefusalCode, refused.params), error);
}
