/**
 * The server's check of a new account's username and password, as refusals. The rules are in
 * `lib/common/account_rules.ts`; this module stays on the server because a refusal carries the
 * English catalogue, which the browser bundle must not.
 *
 * @module
 */
import {
  MAX_PASSWORD_BYTES,
  MAX_USERNAME_CHARS,
  MIN_PASSWORD_CHARS,
  MIN_USERNAME_CHARS,
  RESERVED_USERNAMES,
  USERNAME_PATTERN,
} from "../common/account_rules.ts";
import { countChars } from "../common/protocol.ts";
import { type Refusal, refusal } from "../common/refusal.ts";

/**
 * The refusal of a name that breaks {@linkcode USERNAME_PATTERN} or is one of
 * {@linkcode RESERVED_USERNAMES}; undefined for a good one.
 */
export function usernameProblem(name: string): Refusal | undefined {
  if (!USERNAME_PATTERN.test(name)) {
    return refusal(400, "refusal.usernameRule", {
      min: MIN_USERNAME_CHARS,
      max: MAX_USERNAME_CHARS,
    });
  }
  if (RESERVED_USERNAMES.includes(name.toLowerCase())) {
    return refusal(400, "refusal.usernameReserved");
  }
  return undefined;
}

/** Checks a password against the length rules; returns the refusal, or undefined. */
export function passwordProblem(password: string): Refusal | undefined {
  if (countChars(password) < MIN_PASSWORD_CHARS) {
    return refusal(400, "refusal.passwordTooShort", { min: MIN_PASSWORD_CHARS });
  }
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return refusal(400, "refusal.passwordTooLong", { max: MAX_PASSWORD_BYTES });
  }
  return undefined;
}
