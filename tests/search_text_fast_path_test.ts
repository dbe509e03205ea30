/**
 * The fast path of `textTerms` (plain Latin tokens cut by `plainWords`, the segmenter kept for
 * the rest) gives exactly the terms the segmenter alone gives (`segmenterTerms`), for texts of
 * English, Chinese, accents, combining marks, emoji, other scripts and punctuation mixed at
 * random, and for arbitrary Unicode strings.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { plainWords } from "../lib/common/plain_words.ts";
import { segmenterTerms, textTerms } from "../lib/common/search_text.ts";

/** Pieces a chat text is made of, the tricky ones included. */
const PIECES = [
  "meeting",
  "Café",
  "RÉSUMÉ",
  "can't",
  "don’t",
  "3.14",
  "3,14",
  "v1.2.3",
  "a.b",
  "x_y",
  "__",
  "_",
  "bob@example.com",
  "https://x.y/z?q=1",
  "e\u0301",
  "\u0301",
  "ǅ",
  "ſ",
  "ＡＢＣ",
  "１２",
  "北京",
  "会议",
  "我们明天在北京开会议",
  "的",
  "，",
  "。",
  "3号",
  "カタカナ",
  "ひらがな",
  "한국어",
  "ภาษาไทย",
  "مرحبا",
  "שלום",
  "😀",
  "👩‍💻",
  "\u200d",
  "\u00ad",
  "\u00a0",
  "·",
  "×",
  " ",
  "  ",
  "\n",
  "\r\n",
  "\t",
  ".",
  "'",
  ",",
  ";",
  ":",
  "-",
  "!",
  "a",
  "I",
  "the",
  "0",
];

const mixedText = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) =>
  parts.join("")
);

Deno.test("textTerms() gives the segmenter's terms for mixed chat text", () => {
  fc.assert(
    fc.property(mixedText, (text) => {
      assert.deepEqual(textTerms(text), segmenterTerms(text));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("textTerms() gives the segmenter's terms for any Unicode string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
      assert.deepEqual(textTerms(text), segmenterTerms(text));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
      assert.deepEqual(textTerms(text), segmenterTerms(text));
    }),
    { numRuns: 300 },
  );
});

Deno.test("textTerms() keeps the first MAX_TERMS_PER_MESSAGE terms in order as the segmenter does", () => {
  const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
  const text = words.map((word, i) => i % 3 === 0 ? `北京${i}${word}` : word).join(" ");
  assert.deepEqual(textTerms(text), segmenterTerms(text));
});

Deno.test("plainWords() cuts where the segmenter does: joins by ' and digits' . , ; only", () => {
  assert.deepEqual(plainWords("can't"), ["can't"]);
  assert.deepEqual(plainWords("3.14;a.b"), ["3.14", "a", "b"]);
  assert.deepEqual(plainWords("x_y:__:_"), ["x_y", "__"]);
  assert.deepEqual(plainWords("bob@example.com"), ["bob", "example", "com"]);
  assert.equal(plainWords("北京"), null);
  assert.equal(plainWords("e\u0301"), null);
});
