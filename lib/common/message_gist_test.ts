import assert from "node:assert/strict";
import type { Attachment } from "./attachments.ts";
import { translator } from "./i18n/catalogues.ts";
import { fileGist, gistText, plainPreview } from "./message_gist.ts";

const photo: Attachment = { id: "a".repeat(64), name: "cat.png", size: 9, type: "image/png" };
const pdf: Attachment = { id: "b".repeat(64), name: "报告.pdf", size: 9, type: "application/pdf" };

Deno.test("fileGist() names the first file of a message without text, and nothing otherwise", () => {
  assert.deepEqual(fileGist("", [photo, pdf]), { name: "cat.png", image: true });
  assert.deepEqual(fileGist("", [pdf, photo]), { name: "报告.pdf" });
  assert.equal(fileGist("caption", [photo]), undefined);
  assert.equal(fileGist("", undefined), undefined);
});

Deno.test("gistText() shows the text, else a photo or the file's name in the reader's language", () => {
  const en = translator("en");
  const zh = translator("zh-CN");
  assert.equal(gistText(en, "hello", { name: "cat.png", image: true }), "hello");
  assert.equal(gistText(en, "", { name: "cat.png", image: true }), "🖼 Photo");
  assert.equal(gistText(zh, "", { name: "cat.png", image: true }), "🖼 图片");
  assert.equal(gistText(zh, "", { name: "报告.pdf" }), "📎 报告.pdf");
  assert.equal(gistText(en, "", undefined), "");
});

Deno.test("plainPreview() shows Markdown as the reader sees it, on one line", () => {
  assert.equal(plainPreview("**Lunch** at `12`, _sharp_ ~~or not~~"), "Lunch at 12, sharp or not");
  assert.equal(plainPreview("> quoted\n\n- one\n- two\n1. three"), "quoted one two three");
  assert.equal(plainPreview("```ts\nlet a = 1;\n```"), "let a = 1;");
  assert.equal(plainPreview("see [the docs](https://deno.com) now"), "see the docs now");
  assert.equal(plainPreview("**北京**会议 *明天*"), "北京会议 明天");
  assert.equal(plainPreview("snake_case_name and 2*3*4 stay"), "snake_case_name and 2*3*4 stay");
  assert.equal(plainPreview("a * b * c"), "a * b * c");
});
