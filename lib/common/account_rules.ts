/**
 * The rules for usernames and passwords, shared by the server (which enforces them, in
 * `lib/accounts/credential_problems.ts`) and the pages (which explain them).
 *
 * @module
 */

/** Shortest username, in characters. */
export const MIN_USERNAME_CHARS = 3;
/** Longest username, in characters. */
export const MAX_USERNAME_CHARS = 32;
/** Usernames: 3 to 32 characters from a–z, A–Z, 0–9, `_` and `-`; unique ignoring case. */
export const USERNAME_PATTERN = new RegExp(
  `^[A-Za-z0-9_-]{${MIN_USERNAME_CHARS},${MAX_USERNAME_CHARS}}$`,
);

/**
 * Names nobody may register, compared ignoring case: `system` is the author name of system
 * messages ("X joined"), so an account of that name could pass for the server.
 */
export const RESERVED_USERNAMES: readonly string[] = ["system"];

/** Shortest accepted password, in code points. */
export const MIN_PASSWORD_CHARS = 8;
/** Longest accepted password, in UTF-8 bytes: caps the hashing work an attacker can cause. */
export const MAX_PASSWORD_BYTES = 256;
