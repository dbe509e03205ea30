/**
 * What the composer completes at the caret: `@name` (a room member) or `:code` (an emoji
 * shortcode), and how a pick replaces it. Pure, so the rules are tested without a browser.
 *
 * @module
 */

/** The word being completed. */
export interface CompletionToken {
  kind: "mention" | "emoji";
  /** What follows the `@` or `:` up to the caret. */
  query: string;
  /** Index of the `@` or `:`. */
  start: number;
  /** The caret. */
  end: number;
}

/** Letters an emoji query needs before suggestions appear (`:sm`). */
export const EMOJI_MIN_QUERY = 2;

/**
 * The mention or shortcode being typed just before the caret, if any. The sigil must start a
 * word (so `a@b` and `12:30` complete nothing); the query is username or shortcode characters.
 *
 * @example
 * ```ts
 * completionAt("hi @bo", 6); // { kind: "mention", query: "bo", start: 3, end: 6 }
 * completionAt("so :smi", 7); // { kind: "emoji", query: "smi", start: 3, end: 7 }
 * ```
 */
export function completionAt(text: string, caret: number): CompletionToken | undefined {
  const before = text.slice(0, caret);
  const match = /(?:^|[\s([{"'])([@:])([A-Za-z0-9_+-]*)$/.exec(before);
  if (!match) return undefined;
  const sigil = match[1]!;
  const query = match[2]!;
  const start = caret - query.length - 1;
  if (sigil === "@") {
    return query.length <= 32 ? { kind: "mention", query, start, end: caret } : undefined;
  }
  return query.length >= EMOJI_MIN_QUERY ? { kind: "emoji", query, start, end: caret } : undefined;
}

/**
 * `text` with `[start, end)` replaced by `insert`, and the caret just after it.
 *
 * @example
 * ```ts
 * replaceRange("hi @bo!", 3, 6, "@bob "); // { text: "hi @bob !", caret: 8 }
 * ```
 */
export function replaceRange(
  text: string,
  start: number,
  end: number,
  insert: string,
): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}
