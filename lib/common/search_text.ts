/**
 * How message text becomes search terms, shared by the server (which indexes and matches) and
 * the browser (which highlights the matched words the same way). Rules, also in
 * `docs/SEARCH.md`:
 *
 * - Words are `Intl.Segmenter` word segments (locale `zh`): Chinese is split by the built-in
 *   dictionary (`我们明天在北京开会议` → 我们|明天|在|北京|开|会议), other scripts at spaces and
 *   punctuation. (`textTerms` cuts plain Latin tokens with `plain_words.ts`, which gives the
 *   segmenter's words at a fraction of its cost; a property test holds the two paths equal.)
 * - A word is folded: compatibility-normalized (full-width letters become ASCII), lower-cased,
 *   and in Latin script stripped of accents (`Résumé` → `resume`).
 * - Stop words ({@linkcode STOP_WORDS}) and one-letter Latin words are not terms: they are in
 *   nearly every message and would make the index large and the search slow.
 * - A term is cut at {@linkcode MAX_TERM_CHARS} code points; a message is indexed by its first
 *   {@linkcode MAX_TERMS_PER_MESSAGE} distinct terms.
 *
 * @module
 */
import { foldName } from "./directory_rules.ts";
import { plainWords } from "./plain_words.ts";

/** Longest term, in code points; longer words (links, hashes) are cut to it. */
export const MAX_TERM_CHARS = 32;
/** Distinct terms indexed per message (a 4,000-character message can hold hundreds). */
export const MAX_TERMS_PER_MESSAGE = 100;

/** Words too common to search by, English and Chinese. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "but",
  "by",
  "for",
  "if",
  "in",
  "is",
  "it",
  "of",
  "on",
  "or",
  "so",
  "that",
  "the",
  "this",
  "to",
  "was",
  "we",
  "with",
  "的",
  "了",
  "是",
  "在",
  "和",
  "也",
  "就",
  "都",
  "吗",
  "呢",
  "吧",
  "啊",
]);

const LATIN = /\p{Script=Latin}/u;
const LATIN_LETTER_ONLY = /^\p{Script=Latin}$/u;
const MARKS = /\p{M}/gu;
const segmenter = new Intl.Segmenter("zh", { granularity: "word" });

/** One piece of a text as the segmenter cut it; `term` is set when it is a search term. */
export interface TextSegment {
  /** The piece as written. */
  text: string;
  /** The folded term it stands for; absent for spaces, punctuation and stop words. */
  term?: string;
}

/** Folds one word: NFKC, lower case, Latin accents removed, cut to MAX_TERM_CHARS. */
export function foldWord(word: string): string {
  let folded = foldName(word);
  if (LATIN.test(folded)) folded = folded.normalize("NFD").replace(MARKS, "").normalize("NFC");
  return [...folded].slice(0, MAX_TERM_CHARS).join("");
}

/** Whether a folded word is a term: not empty, not a stop word, not a lone Latin letter. */
function isTerm(folded: string): boolean {
  return folded !== "" && !STOP_WORDS.has(folded) && !LATIN_LETTER_ONLY.test(folded);
}

/** `text` cut into segments, each word carrying its term (see the module's rules). */
export function segmentText(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    const term = isWordLike ? foldWord(segment) : "";
    segments.push(isTerm(term) ? { text: segment, term } : { text: segment });
  }
  return segments;
}

/**
 * Runs of two or more characters that no word contains (emoji, punctuation, spaces), which
 * {@linkcode textTerms} turns into one space before segmenting: a word boundary either way, and
 * a message of 4,000 emoji then costs the segmenter one segment, not 4,000.
 */
const NON_WORD_RUN = /[^\p{L}\p{N}\p{M}\p{Pc}]{2,}/gu;

/** Splits a text at white space, which every word ends at (the segmenter cuts there too). */
const SPACES = /[ \t\n\r]+/;
/** Printable ASCII: a word of it folds by lower-casing alone. */
const ASCII = /^[\x21-\x7E]*$/;

/**
 * The distinct terms of `text` in order of first use, at most MAX_TERMS_PER_MESSAGE. Plain
 * Latin tokens are cut by {@linkcode plainWords} (same words, a fraction of the cost), the rest
 * by the segmenter, one token at a time.
 */
export function textTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const token of text.replace(NON_WORD_RUN, " ").split(SPACES)) {
    if (token === "") continue;
    const words = plainWords(token) ?? segmentedWords(token);
    for (const word of words) {
      const term = ASCII.test(word) ? asciiFold(word) : foldWord(word);
      if (!isTerm(term)) continue;
      terms.add(term);
      if (terms.size === MAX_TERMS_PER_MESSAGE) return [...terms];
    }
  }
  return [...terms];
}

/** {@linkcode foldWord} of an ASCII word: NFKC and accents change nothing in it. */
function asciiFold(word: string): string {
  const lower = word.toLowerCase();
  return lower.length > MAX_TERM_CHARS ? lower.slice(0, MAX_TERM_CHARS) : lower;
}

function segmentedWords(token: string): string[] {
  const words: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(token)) {
    if (isWordLike) words.push(segment);
  }
  return words;
}

/**
 * {@linkcode textTerms} as the segmenter alone gives them, the reference the fast path is
 * tested against (`tests/search_text_fast_path_test.ts`).
 */
export function segmenterTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(text.replace(NON_WORD_RUN, " "))) {
    if (!isWordLike) continue;
    const term = foldWord(segment);
    if (!isTerm(term)) continue;
    terms.add(term);
    if (terms.size === MAX_TERMS_PER_MESSAGE) break;
  }
  return [...terms];
}
