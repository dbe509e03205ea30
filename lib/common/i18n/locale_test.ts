import assert from "node:assert/strict";
import { isLocale, negotiateLocale } from "./locale.ts";

Deno.test("negotiateLocale() gives Simplified Chinese for every Chinese tag", () => {
  for (const tag of ["zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "zh-SG", "zh-TW", "zh-HK", "ZH-cn"]) {
    assert.equal(negotiateLocale(tag), "zh-CN", tag);
  }
});

Deno.test("negotiateLocale() gives English for English tags, others, `*`, empty or no header", () => {
  for (const header of ["en", "en-US", "en-GB,en;q=0.9", "fr-FR", "*", "", null, undefined]) {
    assert.equal(negotiateLocale(header), "en", String(header));
  }
});

Deno.test("negotiateLocale() follows q-values, not order", () => {
  assert.equal(negotiateLocale("en;q=0.5, zh-CN;q=0.8"), "zh-CN");
  assert.equal(negotiateLocale("zh-CN;q=0.3, en-US;q=0.9"), "en");
  assert.equal(negotiateLocale("fr, de;q=0.9, zh;q=0.2"), "zh-CN");
});

Deno.test("negotiateLocale() keeps the earlier of two equal q-values", () => {
  assert.equal(negotiateLocale("zh-CN,en"), "zh-CN");
  assert.equal(negotiateLocale("en,zh-CN"), "en");
  assert.equal(negotiateLocale("zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7"), "zh-CN");
});

Deno.test("negotiateLocale() ignores languages refused with q=0 and malformed q-values", () => {
  assert.equal(negotiateLocale("zh;q=0, en;q=0.1"), "en");
  assert.equal(negotiateLocale("zh;q=abc"), "en");
  assert.equal(negotiateLocale("zh;q=2"), "en");
});

Deno.test("isLocale() accepts exactly the two locales", () => {
  assert.ok(isLocale("en"));
  assert.ok(isLocale("zh-CN"));
  for (const other of ["zh", "EN", "fr", null, 1, undefined]) assert.ok(!isLocale(other));
});
