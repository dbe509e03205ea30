import assert from "node:assert/strict";
import fc from "fast-check";
import { renameChunkRefs, stableChunkNames } from "../scripts/chunk_names.ts";

/** A small bundle: an entry, lazy chunks importing each other both ways, and a shared chunk. */
function bundle(hashes: readonly string[]): Map<string, string> {
  const [call, settings, shared, tiny] = hashes.map((hash, i) =>
    `${["CallLayer", "RoomSettings", "chunk", "chunk"][i]}-${hash}.js`
  );
  return new Map([
    ["client.js", `import("./${call}");import("./${settings}");`],
    [call!, `import{a}from"./${shared}";export const c=()=>import("./${settings}");`],
    [settings!, `import{a}from"./${shared}";export const s=()=>import("./${call}");`],
    [shared!, `import"./${tiny}";export{x as a};`],
    [tiny!, `export{};`],
  ]);
}

/** What a build would write: each file under its new name, references rewritten. */
function written(sources: Map<string, string>): [string, string][] {
  const renames = stableChunkNames(sources);
  return [...sources].map(([name, source]): [string, string] => [
    renames.get(name) ?? name,
    renameChunkRefs(source, renames),
  ]).sort(([a], [b]) => a < b ? -1 : 1);
}

const hash = fc.stringMatching(/^[A-Z2-7]{8}$/);

Deno.test("chunk names come out the same whatever names the bundler gave the same chunks", () => {
  fc.assert(
    fc.property(fc.uniqueArray(hash, { minLength: 4, maxLength: 4 }), (hashes) => {
      assert.deepEqual(
        written(bundle(hashes)),
        written(bundle(["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD"])),
      );
    }),
  );
});

Deno.test("chunk names keep their stem and length, so source map columns stay right", () => {
  const sources = bundle(["N45ZGO52", "O2X6SMSR", "KO2PO22P", "HC2MFSH3"]);
  const renames = stableChunkNames(sources);
  assert.equal(renames.size, 4, "the entry, not named like a chunk, keeps its name");
  for (const [old, renamed] of renames) {
    assert.equal(renamed.length, old.length);
    assert.equal(renamed.split("-")[0], old.split("-")[0]);
    assert.match(renamed, /^[\w]+-[A-Z2-7]{8}\.js$/);
  }
  const entry = renameChunkRefs(sources.get("client.js")!, renames);
  assert.equal(entry.length, sources.get("client.js")!.length);
  assert.ok(entry.includes(renames.get("CallLayer-N45ZGO52.js")!));
});

Deno.test("chunks that differ only in the chunks they reference get different names", () => {
  const sources = new Map([
    ["a-AAAAAAAA.js", `import"./x-XXXXXXXX.js";`],
    ["b-BBBBBBBB.js", `import"./x-YYYYYYYY.js";`],
    ["x-XXXXXXXX.js", `export const one=1;`],
    ["x-YYYYYYYY.js", `export const two=2;`],
  ]);
  const renames = stableChunkNames(sources);
  assert.equal(new Set(renames.values()).size, 4);
  assert.notEqual(
    renames.get("a-AAAAAAAA.js")!.slice(2),
    renames.get("b-BBBBBBBB.js")!.slice(2),
    "same source once names are blanked, different once the referenced chunks count",
  );
});

Deno.test("chunk naming refuses two chunks that no content tells apart", () => {
  const sources = new Map([
    ["chunk-AAAAAAAA.js", `export{};`],
    ["chunk-BBBBBBBB.js", `export{};`],
  ]);
  assert.throws(() => stableChunkNames(sources), /same source up to chunk names/);
});

Deno.test("chunk renaming leaves names that only end like a chunk's untouched", () => {
  const renames = new Map([["chunk-AAAAAAAA.js", "chunk-ZZZZZZZZ.js"]]);
  assert.equal(
    renameChunkRefs(`import"./chunk-AAAAAAAA.js";import"./my-chunk-AAAAAAAA.js";`, renames),
    `import"./chunk-ZZZZZZZZ.js";import"./my-chunk-AAAAAAAA.js";`,
  );
});
