import assert from "node:assert/strict";
import { Hono } from "hono";
import { type BuildResult, JS_GZIP_BUDGET } from "../scripts/build.ts";
import { BUILD_DIR, loadAssets } from "../lib/server/assets.ts";
import { ensureAssetsBuilt } from "./helpers/built_assets.ts";

async function built(): Promise<BuildResult> {
  await ensureAssetsBuilt();
  return JSON.parse(await Deno.readTextFile(new URL("build.json", BUILD_DIR)));
}

Deno.test("build lists the islands entry first among the first-load files", async () => {
  const { manifest, firstLoad } = await built();
  assert.equal(firstLoad.files[0], manifest["islands.js"]);
  assert.ok(firstLoad.gzip > 0 && firstLoad.files.length > 0);
});

// The budget that keeps the chat page quick to start on a phone; over it, the build says OVER
// and this test fails: whatever the first paint does not need goes behind `import()`
// (components/lazy_parts.ts). Its history is in BENCHMARKS.md ("First load").
Deno.test("build keeps the chat page's first-load JS within its 30 KB gzip budget", async () => {
  const { firstLoad } = await built();
  assert.ok(
    firstLoad.gzip <= JS_GZIP_BUDGET,
    `first-load JS is ${firstLoad.gzip} bytes gzipped, over the ${JS_GZIP_BUDGET}-byte budget: ` +
      "load what the first paint does not need with import()",
  );
});

Deno.test("build folds the first-load chunks into the islands entry", async () => {
  const { firstLoad } = await built();
  assert.deepEqual(firstLoad.files.length, 1);
  const entry = await readChunk(firstLoad.files[0]!);
  assert.doesNotMatch(entry, /(?:\bfrom|\bimport)"\.\//, "the entry imports no chunk statically");
});

Deno.test("build links every lazy chunk's static imports to names its target exports", async () => {
  const { lazy, firstLoad } = await built();
  const files = new Set([...firstLoad.files, ...lazy]);
  for (const file of lazy) {
    const code = await readChunk(file);
    for (const [, names, target] of code.matchAll(/import\{([^}]*)\}from"\.\/([^"]+)"/g)) {
      assert.ok(files.has(target!), `${file} imports ${target}, which the build did not write`);
      const exported = await exportsOf(target!);
      for (const item of names!.split(",")) {
        const name = item.trim().split(" as ")[0]!;
        assert.ok(exported.has(name), `${file} imports ${name} from ${target}, not exported`);
      }
    }
  }
});

async function readChunk(file: string): Promise<string> {
  return await Deno.readTextFile(new URL(`static/${file}`, BUILD_DIR));
}

/** The names a chunk exports; for a re-export from another chunk, those that chunk has too. */
async function exportsOf(file: string): Promise<Set<string>> {
  const code = await readChunk(file);
  const names = new Set<string>();
  for (const [, list, from] of code.matchAll(/export\{([^}]*)\}(?:from"\.\/([^"]+)")?/g)) {
    const further = from ? await exportsOf(from) : undefined;
    for (const item of list!.split(",")) {
      const [local, name = local] = item.trim().split(" as ");
      if (!further || further.has(local!)) names.add(name!);
    }
  }
  return names;
}

Deno.test("build keeps valibot out of the browser's first-load JS", async () => {
  const { firstLoad } = await built();
  for (const file of firstLoad.files) {
    const text = await Deno.readTextFile(new URL(`static/${file}`, BUILD_DIR));
    assert.doesNotMatch(text, /Expected \$\{[^}]*\} but r/, file);
  }
});

Deno.test("build keeps ts-mls (end-to-end encryption) out of the first-load JS, in the e2e_session chunk", async () => {
  const { lazy, firstLoad } = await built();
  // The ciphersuite's name is a string ts-mls carries in its tables.
  const mls = /MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519/;
  for (const file of firstLoad.files) {
    const text = await Deno.readTextFile(new URL(`static/${file}`, BUILD_DIR));
    assert.doesNotMatch(text, mls, file);
  }
  assert.ok(lazy.some((file) => file.startsWith("e2e_session-")), "no e2e_session chunk");
});

Deno.test("build puts dialogs, the Markdown parser, emoji data, the message list and tools, the upload drafts and the social sidebar in lazy chunks", async () => {
  const { lazy, firstLoad } = await built();
  const names = [
    "RoomSettings-",
    "ProfileEditor-",
    "markdown_tree-",
    "EmojiPicker-",
    "message_tools-",
    "upload_drafts-",
    "sidebar_extras-",
  ];
  for (const name of names) {
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
