import assert from "node:assert/strict";
import type { Attachment } from "./attachments.ts";
import { translator } from "./i18n/catalogues.ts";
import { fileGist, gistText } from "./message_gist.ts";

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
