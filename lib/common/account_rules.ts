/**
 * The rules for usernames and passwords, shared by the server (which enforces them) and the
 * pages and islands (which explain them).
 *
 * @module
 */
import { countChars } from "./protocol.ts";

/** Usernames: 3 to 32 characters from a–z, A–Z, 0–9, `_` and `-`; unique ignoring case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
/** The username rule in words, shown to users. */
export const USERNAME_RULE = "3–32 characters: letters, digits, _ or -";

/** Shortest accepted password, in code points. */
export const MIN_PASSWORD_CHARS = 8;
/** Longest accepted password, in UTF-8 bytes: caps the hashing work an attacker can cause. */
export const MAX_PASSWORD_BYTES = 256;

/** Checks a password against the length rules; returns the problem in words, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (countChars(password) < MIN_PASSWORD_CHARS) {
    return `Password must be at least ${MIN_PASSWORD_CHARS} characters`;
  }
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return `Password must be at most ${MAX_PASSWORD_BYTES} bytes`;
  }
  return undefined;
}
