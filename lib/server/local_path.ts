/**
 * Where to send a user after they log in or sign up (`?next=`): only a path on this site, so a
 * crafted link can never turn the login form into a redirect to another site.
 *
 * @module
 */

/** Longest `next` accepted; longer ones fall back to `/`. */
export const MAX_NEXT_CHARS = 2048;

const BASE = "http://local.invalid";

/**
 * Returns `next` when it is a path on this site, else `"/"`.
 *
 * Accepted: a string starting with exactly one `/`. Refused: `//host` and `/\host` (browsers
 * read both as another host), any backslash, whitespace or control character (URL parsers drop
 * tabs and newlines, so `/\t/host` would become `//host`), and anything with a scheme
 * (`https:`, `javascript:`), which cannot start with `/` anyway. As a last check, the value
 * must resolve to a URL on the same origin.
 *
 * @example
 * ```ts
 * localPath("/join/abc"); // "/join/abc"
 * localPath("//evil.example"); // "/"
 * localPath(undefined); // "/"
 * ```
 */
export function localPath(next: unknown): string {
  if (typeof next !== "string" || next.length > MAX_NEXT_CHARS) return "/";
  if (!next.startsWith("/") || next.startsWith("//")) return "/";
  // deno-lint-ignore no-control-regex
  if (/[\\\s\u0000-\u001f\u007f]/.test(next)) return "/";
  try {
    return new URL(next, BASE).origin === BASE ? next : "/";
  } catch {
    return "/";
  }
}
