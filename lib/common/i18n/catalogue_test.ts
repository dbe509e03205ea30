import assert from "node:assert/strict";
import { CATALOGUES } from "./catalogues.ts";
import { en } from "./en.ts";
import { LOCALES } from "./locale.ts";
import type { CatalogueEntry } from "./translate.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const texts = (entry: CatalogueEntry) =>
  typeof entry === "string" ? [entry] : Object.values(entry) as string[];

Deno.test("every catalogue has exactly the English keys", () => {
  for (const locale of LOCALES) {
    assert.deepEqual(Object.keys(CATALOGUES[locale]).sort(), Object.keys(en).sort(), locale);
  }
});

Deno.test("every entry keeps the English placeholders, and no text is empty", () => {
  for (const locale of LOCALES) {
    const catalogue: Record<string, CatalogueEntry> = CATALOGUES[locale];
    for (const [key, english] of Object.entries(en as Record<string, CatalogueEntry>)) {
      const entry = catalogue[key];
      assert.ok(entry !== undefined, `${locale} ${key}`);
      assert.equal(typeof entry, typeof english, `${locale} ${key}: plural or not`);
      const expected = placeholders(texts(english).join(" ")).filter((name) => name !== "count");
      for (const text of texts(entry)) {
        assert.notEqual(text.trim(), "", `${locale} ${key} is empty`);
        const found = placeholders(text).filter((name) => name !== "count");
        assert.deepEqual([...new Set(found)], [...new Set(expected)], `${locale} ${key}: ${text}`);
      }
    }
  }
});

Deno.test("every plural entry has each plural category its language uses", () => {
  for (const locale of LOCALES) {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (
      const [key, entry] of Object.entries(CATALOGUES[locale] as Record<string, CatalogueEntry>)
    ) {
      if (typeof entry === "string") continue;
      for (const category of categories) {
        assert.ok(entry[category] !== undefined, `${locale} ${key} lacks "${category}"`);
      }
    }
  }
});
