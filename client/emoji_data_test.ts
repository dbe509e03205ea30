import assert from "node:assert/strict";
import { emojiSet, loadEmoji } from "./emoji_data.ts";

const raw = [
  {
    unicode: "😄",
    label: "grinning face with smiling eyes",
    hexcode: "1F604",
    group: 0,
    order: 2,
    tags: ["happy"],
  },
  { unicode: "😀", label: "grinning face", hexcode: "1F600", group: 0, order: 1, tags: ["face"] },
  { unicode: "🏻", label: "light skin tone", hexcode: "1F3FB", group: 2, order: 3 },
  {
    unicode: "👋",
    label: "waving hand",
    hexcode: "1F44B",
    group: 1,
    order: 4,
    tags: ["hello"],
    skins: ["👋🏻", "👋🏼", "👋🏽", "👋🏾", "👋🏿"].map((unicode) => ({ unicode })),
  },
];
const codes = { "1F604": "smile", "1F600": ["grinning", "smiley_face"], "1F44B": "wave" };

Deno.test("emojiSet() orders emoji, drops skin-tone components and keeps five skins", () => {
  const set = emojiSet(raw, codes);
  assert.deepEqual(set.all.map((e) => e.unicode), ["😀", "😄", "👋"]);
  assert.deepEqual(set.all[2]!.skins, ["👋🏻", "👋🏼", "👋🏽", "👋🏾", "👋🏿"]);
});

Deno.test("emojiSet() searches labels, keywords and shortcodes by every word", () => {
  const set = emojiSet(raw, codes);
  assert.deepEqual(set.search("grin").map((e) => e.unicode), ["😀", "😄"]);
  assert.deepEqual(set.search("grin happy").map((e) => e.unicode), ["😄"]);
  assert.deepEqual(set.search("wave").map((e) => e.unicode), ["👋"]);
});

Deno.test("emojiSet() completes shortcodes by prefix, shortest first", () => {
  const set = emojiSet(raw, codes);
  assert.deepEqual(set.completions("smi").map((c) => c.code), ["smile", "smiley_face"]);
});

Deno.test("loadEmoji() has :smile: and Chinese labels for zh-CN", async () => {
  const en = await loadEmoji("en");
  assert.equal(en.completions("smile")[0]?.emoji.unicode, "😄");
  const zh = await loadEmoji("zh-CN");
  assert.ok(zh.search("笑").length > 0);
});
