/**
 * The rules of a people-directory search, shared by the server (which enforces them) and the
 * islands (which say so before asking): how a name is folded for matching, and how long a
 * query must be.
 *
 * @module
 */
import { countChars } from "./protocol.ts";

/** Shortest query, in code points, for names in alphabetic scripts. */
export const MIN_SEARCH_CHARS = 3;
/**
 * Shortest query when it holds a CJK character: Chinese names are often two characters long
 * (and each says as much as a few Latin letters), so three would hide most of them.
 */
export const MIN_SEARCH_CHARS_CJK = 2;
/** Longest query; longer ones are cut (no name in the directory is longer). */
export const MAX_SEARCH_CHARS = 40;
/** Most people one search returns. */
export const DIRECTORY_RESULTS_MAX = 20;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Folds a name or a query for matching: compatibility-normalized (full-width letters become
 * ASCII), lower-cased without a locale, inner white space collapsed, trimmed.
 */
export function foldName(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** The shortest folded query allowed for `query`: 2 with a CJK character, else 3. */
export function minSearchChars(query: string): number {
  return CJK.test(query) ? MIN_SEARCH_CHARS_CJK : MIN_SEARCH_CHARS;
}

/** True when the folded `query` is long enough to search with. */
export function searchable(query: string): boolean {
  const folded = foldName(query);
  return countChars(folded) >= minSearchChars(folded);
}
