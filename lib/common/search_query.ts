/**
 * A message search query: its rules (shared by the server, which enforces them, and the search
 * box, which says so before asking), how it matches a text, and which words of a text it
 * highlights. A query is cut into terms like a message (see `search_text.ts`); a message
 * matches when it has every term, the last one by prefix while it is still being typed (the
 * query does not end in a space): `北京 会` finds `北京…会议`, `meet` finds `meeting`.
 *
 * @module
 */
import { countChars } from "./protocol.ts";
import type { RefusalCode } from "./refusal.ts";
import type { Params } from "./i18n/translate.ts";
import { segmentText, type TextSegment, textTerms } from "./search_text.ts";

/** Shortest query, in code points (one character finds half the store). */
export const MIN_QUERY_CHARS = 2;
/** Longest query, in code points. */
export const MAX_QUERY_CHARS = 200;
/** Most terms a query may have; more are refused. */
export const MAX_QUERY_TERMS = 8;

/** A query ready to match: its terms, and whether the last one matches by prefix. */
export interface SearchQuery {
  terms: string[];
  prefix: boolean;
}

/** Why a query cannot be run. */
export type QueryProblem = "tooShort" | "tooLong" | "tooManyWords" | "noWords";

/**
 * Parses `raw`: a {@linkcode SearchQuery}, or the problem with it. Length is checked before
 * anything else, so a 10,000-character query costs no segmenting.
 */
export function parseQuery(raw: string): SearchQuery | QueryProblem {
  const trimmed = raw.trim();
  if (raw.length > 4 * MAX_QUERY_CHARS || countChars(trimmed) > MAX_QUERY_CHARS) return "tooLong";
  if (countChars(trimmed) < MIN_QUERY_CHARS) return "tooShort";
  const terms = textTerms(trimmed);
  if (terms.length === 0) return "noWords";
  if (terms.length > MAX_QUERY_TERMS) return "tooManyWords";
  return { terms, prefix: !/[\s\p{P}]$/u.test(raw) };
}

/**
 * What to say about a query's problem: the catalogue key and parameters of the API's refusal,
 * which the search box shows too (as `t(code, params)`, before asking).
 */
export function queryProblemText(problem: QueryProblem): { code: RefusalCode; params?: Params } {
  switch (problem) {
    case "tooShort":
      return { code: "refusal.searchTooShort", params: { min: MIN_QUERY_CHARS } };
    case "tooLong":
      return { code: "refusal.searchTooLong", params: { max: MAX_QUERY_CHARS } };
    case "tooManyWords":
      return { code: "refusal.searchTooManyWords", params: { max: MAX_QUERY_TERMS } };
    case "noWords":
      return { code: "refusal.searchNoWords" };
  }
}

/** Whether a text whose distinct terms are `terms` matches `query`. */
export function matchesTerms(terms: readonly string[], query: SearchQuery): boolean {
  const have = new Set(terms);
  const last = query.terms.length - 1;
  return query.terms.every((term, i) =>
    i === last && query.prefix ? terms.some((word) => word.startsWith(term)) : have.has(term)
  );
}

/** Whether `text` matches `query`. */
export function matchesText(text: string, query: SearchQuery): boolean {
  return matchesTerms(textTerms(text), query);
}

/** A piece of text to show, marked when it is a word the query matched. */
export interface HighlightPiece {
  text: string;
  hit: boolean;
}

/**
 * `text` cut into pieces, each word that a term of `query` matches marked as a hit (by prefix
 * for the last term while typed). Adjacent pieces of the same kind are joined.
 */
export function highlight(text: string, query: SearchQuery): HighlightPiece[] {
  const pieces: HighlightPiece[] = [];
  for (const segment of segmentText(text)) {
    const hit = isHit(segment, query);
    const previous = pieces.at(-1);
    if (previous && previous.hit === hit) previous.text += segment.text;
    else pieces.push({ text: segment.text, hit });
  }
  return pieces;
}

function isHit({ term }: TextSegment, query: SearchQuery): boolean {
  if (term === undefined) return false;
  const last = query.terms.length - 1;
  return query.terms.some((wanted, i) =>
    i === last && query.prefix ? term.startsWith(wanted) : term === wanted
  );
}
