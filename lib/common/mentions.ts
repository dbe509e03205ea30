/**
 * `@username` mentions in message text, found the same way by the server (which records whom a
 * message mentions) and the browser (which highlights them).
 *
 * @module
 */
import { MAX_USERNAME_CHARS, MIN_USERNAME_CHARS } from "./account_rules.ts";

/** Most users one message records as mentioned; further names are left as text. */
export const MAX_MENTIONS = 20;

/**
 * Matches `@name` where name has the username alphabet and length, not preceded by a username
 * character (so `a@b.com` is no mention) nor followed by one (so a too-long name is none).
 * Group 1 is the name. Global: reset `lastIndex` or use `matchAll`.
 */
export const MENTION_PATTERN = new RegExp(
  `(?<![A-Za-z0-9_@-])@([A-Za-z0-9_-]{${MIN_USERNAME_CHARS},${MAX_USERNAME_CHARS}})(?![A-Za-z0-9_-])`,
  "g",
);

/**
 * The distinct names mentioned in `text`, lower-cased (usernames are unique ignoring case), in
 * order of first appearance, at most {@linkcode MAX_MENTIONS}.
 *
 * @example
 * ```ts
 * mentionedNames("hi @Bob and @alice, @bob"); // ["bob", "alice"]
 * ```
 */
export function mentionedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const name = match[1]!.toLowerCase();
    if (!names.includes(name)) names.push(name);
    if (names.length === MAX_MENTIONS) break;
  }
  return names;
}
