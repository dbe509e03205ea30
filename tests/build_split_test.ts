import assert from "node:assert/strict";
import { Hono } from "hono";
import { type BuildResult, JS_GZIP_BUDGET } from "../scripts/build.ts";
import { BUILD_DIR, loadAssets } from "../lib/server/assets.ts";
import { ensureAssetsBuilt } from "./helpers/built_assets.ts";

async function built(): Promise<BuildResult> {
  await ensureAssetsBuilt();
  return JSON.parse(await Deno.readTextFile(new URL("build.json", BUILD_DIR)));
}

Deno.test("build keeps the chat page's first-load JS within the 30 KB gzip budget", async () => {
  const { manifest, firstLoad } = await built();
  assert.equal(firstLoad.files[0], manifest["islands.js"]);
  assert.ok(
    firstLoad.gzip <= JS_GZIP_BUDGET,
    `first-load JS is ${firstLoad.gzip} bytes gzipped, over ${JS_GZIP_BUDGET}`,
  );
});

Deno.test("build puts dialogs, the Markdown parser and emoji data in lazy chunks", async () => {
  const { lazy, firstLoad } = await built();
  for (const name of ["RoomSettings-", "ProfileEditor-", "markdown_tree-", "EmojiPicker-"]) {
    assert.ok(lazy.some((file) => file.startsWith(name)), `${name} is not a lazy chunk`);
    assert.ok(!firstLoad.files.some((file) => file.startsWith(name)), `${name} is first-load`);
  }
});

Deno.test("server serves every chunk gzipped with immutable caching", async () => {
  const { lazy, firstLoad } = await built();
  const assets = await loadAssets();
  const app = new Hono().get("/static/:file", (c) => assets.serve(c, c.req.param("file")));
  for (const file of [...firstLoad.files, ...lazy]) {
    const response = await app.request(`/static/${file}`, {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(response.status, 200, file);
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.match(response.headers.get("cache-control") ?? "", /immutable/);
    await response.body?.cancel();
  }
});
