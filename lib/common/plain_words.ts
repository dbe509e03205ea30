/**
 * The words of a plain Latin token (ASCII and the Latin letters up to U+024F, no space), cut
 * exactly where `Intl.Segmenter` (locale `zh`, `granularity: "word"`) cuts them in Deno, without
 * running the segmenter: it costs a few microseconds a message where the segmenter costs tens.
 * `lib/common/search_text.ts` uses it for every token of a text that is plain and keeps the
 * segmenter for the others (Chinese, other scripts, combining marks, emoji); the property test
 * `tests/search_text_fast_path_test.ts` proves both paths give the same terms.
 *
 * The segmenter's rules (Unicode word boundaries, UAX #29, as ICU applies them here), for these
 * characters: letters, digits and `_` never break between each other; `'` joins two letters or
 * two digits (`can't`); `.`, `,` and `;` join two digits only (`3.14`, `3,14`, but `a.b` is two
 * words); every other character stands alone. A piece is a word when it has a letter or a digit,
 * or is two or more `_`.
 *
 * @module
 */

const NOT_PLAIN = 0;
const LETTER = 1;
const DIGIT = 2;
const LOW_LINE = 3;
const QUOTE = 4;
const NUMERIC_JOINER = 5;
const OTHER = 6;

/**
 * The class of a character: a token may hold printable ASCII and the Latin letters U+00C0 to
 * U+024F but for × and ÷; anything else is NOT_PLAIN.
 */
function classOf(code: number): number {
  if (code <= 0x20 || (code >= 0x7F && code < 0xC0) || code > 0x24F) return NOT_PLAIN;
  if (code === 0xD7 || code === 0xF7) return NOT_PLAIN;
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code >= 0xC0) return LETTER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code === 95) return LOW_LINE;
  if (code === 39) return QUOTE;
  if (code === 46 || code === 44 || code === 59) return NUMERIC_JOINER;
  return OTHER;
}

/** Classes of the token being cut, reused from call to call (a token is cut synchronously). */
let scratch = new Uint8Array(256);

function joinsWord(kind: number): boolean {
  return kind === LETTER || kind === DIGIT || kind === LOW_LINE;
}

/**
 * The word-like pieces of `token` in order, as the segmenter would give them; null when the
 * token holds a character outside the plain set (the caller segments it instead).
 */
export function plainWords(token: string): string[] | null {
  const length = token.length;
  if (scratch.length < length) scratch = new Uint8Array(2 * length);
  const kinds = scratch;
  for (let i = 0; i < length; i++) {
    const kind = classOf(token.charCodeAt(i));
    if (kind === NOT_PLAIN) return null;
    kinds[i] = kind;
  }
  const words: string[] = [];
  let start = 0;
  for (let i = 1; i <= length; i++) {
    if (i < length && !breaksBefore(kinds, i, length)) continue;
    if (isWord(kinds, start, i)) words.push(token.slice(start, i));
    start = i;
  }
  return words;
}

/** Whether the segmenter cuts `kinds` between `i - 1` and `i`. */
function breaksBefore(kinds: Uint8Array, i: number, length: number): boolean {
  const before = kinds[i - 1]!;
  const here = kinds[i]!;
  if (joinsWord(before) && joinsWord(here)) return false;
  const after = i + 1 < length ? kinds[i + 1] : OTHER;
  const twoBefore = i >= 2 ? kinds[i - 2] : OTHER;
  // A joiner between two letters (only ') or two digits (', ., , and ;) stays inside the word.
  if (here === QUOTE && before === after && (before === LETTER || before === DIGIT)) return false;
  if (before === QUOTE && twoBefore === here && (here === LETTER || here === DIGIT)) return false;
  if (here === NUMERIC_JOINER && before === DIGIT && after === DIGIT) return false;
  return !(before === NUMERIC_JOINER && twoBefore === DIGIT && here === DIGIT);
}

function isWord(kinds: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (kinds[i] === LETTER || kinds[i] === DIGIT) return true;
  }
  return end - start >= 2 && kinds[start] === LOW_LINE;
}
