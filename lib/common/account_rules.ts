/**
 * The rules for usernames and passwords, shared by the server (which enforces them) and the
 * pages and islands (which explain them).
 *
 * @module
 */
import { countChars } from "./protocol.ts";
import { type Refusal, refusal } from "./refusal.ts";

/** Shortest username, in characters. */
export const MIN_USERNAME_CHARS = 3;
/** Longest username, in characters. */
export const MAX_USERNAME_CHARS = 32;
/** Usernames: 3 to 32 characters from a–z, A–Z, 0–9, `_` and `-`; unique ignoring case. */
export const USERNAME_PATTERN = new RegExp(
  `^[A-Za-z0-9_-]{${MIN_USERNAME_CHARS},${MAX_USERNAME_CHARS}}$`,
);

/** The refusal of a name that breaks {@linkcode USERNAME_PATTERN}; undefined for a good one. */
export function usernameProblem(name: string): Refusal | undefined {
  if (USERNAME_PATTERN.test(name)) return undefined;
  return refusal(400, "refusal.usernameRule", {
    min: MIN_USERNAME_CHARS,
    max: MAX_USERNAME_CHARS,
  });
}

/** Shortest accepted password, in code points. */
export const MIN_PASSWORD_CHARS = 8;
/** Longest accepted password, in UTF-8 bytes: caps the hashing work an attacker can cause. */
export const MAX_PASSWORD_BYTES = 256;

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
