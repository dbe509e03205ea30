import assert from "node:assert/strict";
import fc from "fast-check";
import { highlight, matchesText, parseQuery, type SearchQuery } from "./search_query.ts";
import { foldWord, MAX_TERMS_PER_MESSAGE, textTerms } from "./search_text.ts";

function query(raw: string): SearchQuery {
  const parsed = parseQuery(raw);
  if (typeof parsed === "string") throw new Error(`query ${raw} refused: ${parsed}`);
  return parsed;
}

Deno.test("textTerms() cuts Chinese by dictionary and drops stop words", () => {
  assert.deepEqual(textTerms("我们明天在北京开会议"), ["我们", "明天", "北京", "开", "会议"]);
});

Deno.test("textTerms() lower-cases, folds accents and full-width letters, skips one letter", () => {
  assert.deepEqual(textTerms("Café RÉSUMÉ naïve ＡＢＣ a e-mail"), [
    "cafe",
    "resume",
    "naive",
    "abc",
    "mail",
  ]);
});

Deno.test("textTerms() keeps each term once and cuts long words", () => {
  assert.deepEqual(textTerms("hello Hello HELLO"), ["hello"]);
  assert.equal(foldWord("x".repeat(100)).length, 32);
  const many = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");
  assert.equal(textTerms(many).length, MAX_TERMS_PER_MESSAGE);
});

Deno.test("a two-word Chinese query finds the issue's example sentence", () => {
  assert.equal(matchesText("我们明天在北京开会议", query("北京 会议")), true);
  assert.equal(matchesText("我们明天在上海开会议", query("北京 会议")), false);
});

Deno.test("the last word matches by prefix only while it is being typed", () => {
  assert.equal(matchesText("Meeting at noon", query("meet")), true);
  assert.equal(matchesText("Meeting at noon", query("meet ")), false);
  assert.equal(matchesText("北京市的会议室", query("会议 北京")), true);
  assert.equal(matchesText("noon meeting", query("meet noon")), false);
});

Deno.test("mixed Chinese and English queries need every word", () => {
  assert.equal(matchesText("把文件发给Bob看看", query("bob 文件")), true);
  assert.equal(matchesText("把文件发给Bob看看", query("alice 文件")), false);
});

Deno.test("parseQuery() refuses short, long, wordless and wordy queries", () => {
  assert.equal(parseQuery("a"), "tooShort");
  assert.equal(parseQuery(" 会 "), "tooShort");
  assert.equal(parseQuery("x".repeat(10_000)), "tooLong");
  assert.equal(parseQuery("the of and"), "noWords");
  assert.equal(parseQuery(".*+?[]()"), "noWords");
  assert.equal(parseQuery("one two three four five six seven eight nine"), "tooManyWords");
  assert.deepEqual(parseQuery("(foo|bar)*"), { terms: ["foo", "bar"], prefix: false });
});

Deno.test("highlight() marks the matched words and keeps the text intact", () => {
  const pieces = highlight("我们明天在北京开会议", query("北京 会议"));
  assert.deepEqual(pieces.filter((piece) => piece.hit).map((piece) => piece.text), [
    "北京",
    "会议",
  ]);
  assert.equal(pieces.map((piece) => piece.text).join(""), "我们明天在北京开会议");
  assert.deepEqual(highlight("Café time", query("cafe")), [
    { text: "Café", hit: true },
    { text: " time", hit: false },
  ]);
});

const WORDS = ["北京", "会议", "明天", "文件", "设计", "系统", "meeting", "Résumé", "file", "42"];
const text = fc.array(fc.constantFrom(...WORDS, " ", "，", "。", "!", "的"), { maxLength: 30 })
  .map((parts) => parts.join(""));

Deno.test("property: a text is found by each of its terms, alone and as a prefix", () => {
  fc.assert(fc.property(text, (sample) => {
    for (const term of textTerms(sample)) {
      if ([...term].length < 2) continue;
      assert.equal(matchesText(sample, query(term + " ")), true);
      assert.equal(matchesText(sample, query([...term].slice(0, 2).join(""))), true);
    }
  }));
});

Deno.test("property: highlighting never changes the text and marks only its terms", () => {
  fc.assert(fc.property(text, fc.constantFrom(...WORDS), (sample, word) => {
    const wanted = query(word);
    const pieces = highlight(sample, wanted);
    assert.equal(pieces.map((piece) => piece.text).join(""), sample);
    if (pieces.some((piece) => piece.hit)) assert.equal(matchesText(sample, wanted), true);
  }));
});
