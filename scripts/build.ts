/**
 * `deno task build`: bundles the islands (`client.ts`) with `deno bundle --code-splitting` and
 * copies `static/styles.css`, writing content-hashed files, their source maps and gzip twins to
 * `_build/static/`, `_build/manifest.json` mapping logical names to hashed ones, and
 * `_build/build.json` (the {@linkcode BuildResult}, read by the tests). Prints the
 * first-load JS (entry + static chunks) apart from the lazy chunks, against a 30 KB gzip budget.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { renameChunkRefs, stableChunkNames } from "./chunk_names.ts";
import { ENTRY_PLACEHOLDER, mergeFirstLoad, type PassChunk } from "./merge_first_load.ts";

/** What {@linkcode build} wrote. */
export interface BuildResult {
  /** Logical name (`islands.js`, `styles.css`) to hashed file name in `_build/static/`. */
  manifest: Record<string, string>;
  /** Bytes of each hashed file, raw and gzipped. */
  sizes: Record<string, { raw: number; gzip: number }>;
  /**
   * The JavaScript the chat page loads before it can run: the islands entry and every chunk it
   * imports statically, transitively. Everything else is a lazy chunk, fetched by `import()`.
   */
  firstLoad: { files: string[]; gzip: number };
  /** Chunks loaded only through `import()` (not part of first load). */
  lazy: string[];
}

/** Options of {@linkcode build}. */
export interface BuildOptions {
  /** Project root (with `client.ts` and `static/styles.css`); this script's parent. */
  root?: URL;
  /** Leaves out the size report. */
  quiet?: boolean;
}

/**
 * Gzipped first-load JS budget (entry + static chunks), in bytes: the report flags more, and
 * `tests/build_split_test.ts` fails.
 */
export const JS_GZIP_BUDGET = 30 * 1024;

/**
 * Builds the browser assets. Deletes `_build/static/` first, so only the current files remain
 * (the server serves exactly what is listed there). The manifest is written last, so a server
 * reading it never sees names of files not written yet.
 *
 * The islands are bundled with code splitting: a module reached only through `import()` becomes
 * a chunk of its own, fetched when first needed. esbuild names chunks by their content hash
 * (`chunk-ABCD1234.js`, `RoomSettings-ABCD1234.js`), so they keep their names; the entry is
 * renamed `islands.<hash>.js`. The chunks the entry imports statically are then folded into it
 * (`merge_first_load.ts`), so the first load is one file.
 *
 * @example
 * ```ts
 * const { manifest, firstLoad } = await build();
 * manifest["islands.js"]; // "islands.1a2b3c4d.js"
 * firstLoad.gzip; // bytes of the entry and its static chunks, gzipped
 * ```
 *
 * @param options Where the project is, and whether to print sizes.
 * @returns The manifest, the size of every file, and what is first-load or lazy.
 * @throws {Error} When `deno bundle` fails; the message carries its output.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? new URL("../", import.meta.url);
  const outDir = new URL("_build/static/", root);
  const tmp = await Deno.makeTempDir({ prefix: "chat-build-" });
  try {
    const { chunks, stubs } = await bundleIslands(root, tmp);
    await Deno.remove(outDir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    await Deno.mkdir(outDir, { recursive: true });

    const manifest: Record<string, string> = {};
    const sizes: BuildResult["sizes"] = {};
    const writeFile = async (file: string, bytes: Uint8Array<ArrayBuffer>) => {
      const gzipped = await gzip(bytes);
      await Deno.writeFile(new URL(file, outDir), bytes);
      await Deno.writeFile(new URL(`${file}.gz`, outDir), gzipped);
      sizes[file] = { raw: bytes.length, gzip: gzipped.length };
    };

    const entry = chunks.get(ENTRY_OUT)!;
    const entryFile = `islands.${await hash8(entry.js)}.js`;
    const nameOf = (out: string) => out === ENTRY_OUT ? entryFile : out;
    for (const [out, chunk] of chunks) {
      const file = nameOf(out);
      const suffix = new TextEncoder().encode(`\n//# sourceMappingURL=${file}.map\n`);
      await writeFile(file, concat(chunk.js, suffix));
      await Deno.writeTextFile(
        new URL(`${file}.map`, outDir),
        JSON.stringify({ ...chunk.map, file }),
      );
    }
    for (const [out, stub] of stubs) {
      await writeFile(out, new TextEncoder().encode(stub.replace(ENTRY_PLACEHOLDER, entryFile)));
    }
    manifest["islands.js"] = entryFile;

    const css = await Deno.readFile(new URL("static/styles.css", root));
    const cssFile = `styles.${await hash8(css)}.css`;
    await writeFile(cssFile, css);
    manifest["styles.css"] = cssFile;

    for (const size of [192, 512]) {
      const png = await Deno.readFile(new URL(`static/icons/icon-${size}.png`, root));
      const pngFile = `icon-${size}.${await hash8(png)}.png`;
      await Deno.writeFile(new URL(pngFile, outDir), png);
      sizes[pngFile] = { raw: png.length, gzip: png.length };
      manifest[`icon-${size}.png`] = pngFile;
    }

    const firstOut = staticClosure(chunks, ENTRY_OUT);
    const firstLoad = {
      files: firstOut.map(nameOf),
      gzip: firstOut.reduce((sum, out) => sum + sizes[nameOf(out)]!.gzip, 0),
    };
    const lazy = [...chunks.keys(), ...stubs.keys()].filter((out) => !firstOut.includes(out))
      .map(nameOf);

    const result = { manifest, sizes, firstLoad, lazy };
    await writeServiceWorker(root, manifest, [...firstLoad.files, ...lazy]);
    await Deno.writeTextFile(
      new URL("_build/build.json", root),
      JSON.stringify(result, null, 2) + "\n",
    );
    const manifestFile = new URL("_build/manifest.json", root);
    const temporary = new URL("_build/manifest.json.tmp", root);
    await Deno.writeTextFile(temporary, JSON.stringify(manifest, null, 2) + "\n");
    await Deno.rename(temporary, manifestFile);

    if (!options.quiet) report(result);
    return result;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/**
 * Writes `_build/sw.js`: `static/sw.js` after a line naming this build (its version, the hash
 * of every asset name, and the shell it precaches: every chunk, lazy ones too so that the app
 * works offline, the styles and icons). A new build thus changes the worker's bytes, which is
 * what makes browsers install the new worker.
 */
async function writeServiceWorker(
  root: URL,
  manifest: Record<string, string>,
  chunks: string[],
): Promise<void> {
  const source = await Deno.readTextFile(new URL("static/sw.js", root));
  const shell = [...new Set([...chunks, ...Object.values(manifest)])].map((f) => `/static/${f}`);
  const names = new TextEncoder().encode(JSON.stringify(shell) + source);
  const version = await hash8(names);
  const header = `const BUILD = ${JSON.stringify({ version, shell })};\n`;
  await Deno.writeTextFile(new URL("_build/sw.js", root), header + source);
}

type SourceMap = PassChunk["map"];

/** A bundle file; `imports` are the chunks it imports statically, by output name. */
type Chunk = PassChunk;

/** What `deno bundle` names the entry `client.ts` in its output folder. */
const ENTRY_OUT = "client.js";

async function bundleIslands(root: URL, tmp: string): Promise<Bundled> {
  const bundle = (args: string[]) => runBundle(root, args);
  await bundle([
    "bundle",
    "--platform=browser",
    "--minify",
    "--sourcemap=external",
    "--code-splitting",
    "--outdir",
    tmp,
    "client.ts",
  ]);
  const chunks = new Map<string, Chunk>();
  for await (const entry of Deno.readDir(tmp)) {
    if (!entry.name.endsWith(".js")) continue;
    const js = await Deno.readFile(`${tmp}/${entry.name}`);
    const map = await readMap(`${tmp}/${entry.name}`, root);
    chunks.set(entry.name, { js, map, imports: staticImports(new TextDecoder().decode(js)) });
  }
  if (!chunks.has(ENTRY_OUT)) throw new Error(`deno bundle wrote no ${ENTRY_OUT}`);

  const folded = staticClosure(chunks, ENTRY_OUT).slice(1);
  const outDir = `${tmp}/merged`;
  const merged = await mergeFirstLoad({
    dir: tmp,
    outDir,
    chunks,
    entry: ENTRY_OUT,
    folded,
    bundle,
  });
  merged.entry.map = await readMap(`${outDir}/first_load_entry.js`, root);
  for (const name of folded) chunks.delete(name);
  chunks.set(ENTRY_OUT, merged.entry);
  return withStableNames({ chunks, stubs: merged.stubs });
}

/**
 * `bundled` with every chunk renamed after its content (`chunk_names.ts`), references in code and
 * source maps too, in name order (the folder's listing order is the file system's), so that the
 * build's output does not depend on where the checkout lies.
 */
function withStableNames({ chunks, stubs }: Bundled): Bundled {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const sources = new Map([
    ...[...chunks].map(([name, chunk]) => [name, decoder.decode(chunk.js)] as const),
    ...stubs,
  ]);
  const renames = stableChunkNames(sources);
  const nameOf = (name: string) => renames.get(name) ?? name;
  const byName = <T>(entries: [string, T][]) =>
    new Map(entries.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
  return {
    chunks: byName([...chunks].map(([name, chunk]) => [nameOf(name), {
      js: encoder.encode(renameChunkRefs(sources.get(name)!, renames)),
      map: JSON.parse(renameChunkRefs(JSON.stringify(chunk.map), renames)),
      imports: chunk.imports.map(nameOf),
    }])),
    stubs: byName([...stubs].map(([name, stub]) => [nameOf(name), stub])),
  };
}

/** The chunks to write, and the one-line stubs that stand for folded chunks (see merge). */
interface Bundled {
  chunks: Map<string, Chunk>;
  stubs: Map<string, string>;
}

async function runBundle(root: URL, args: string[]): Promise<void> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) {
    const output = new TextDecoder().decode(concat(stdout, stderr));
    throw new Error(`deno bundle failed:\n${output}`);
  }
}

/** The source map of the bundle file `out`, its sources named by {@linkcode displayPath}. */
async function readMap(out: string, root: URL): Promise<SourceMap> {
  const map: SourceMap = JSON.parse(await Deno.readTextFile(`${out}.map`));
  const bundleUrl = new URL(`file://${out}`);
  map.sources = map.sources.map((source) => displayPath(new URL(source, bundleUrl), root));
  return map;
}

/**
 * The sibling chunks a minified ES module imports statically: `import{a as b}from"./x.js"`,
 * `export{…}from"./x.js"` and `import"./x.js"`, but not `import("./x.js")`.
 */
function staticImports(js: string): string[] {
  const found = new Set<string>();
  for (const match of js.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)) {
    found.add(match[1]!);
  }
  return [...found];
}

/** `start` and every chunk it reaches through static imports, `start` first. */
function staticClosure(chunks: Map<string, Chunk>, start: string): string[] {
  const seen = [start];
  for (let i = 0; i < seen.length; i++) {
    for (const next of chunks.get(seen[i]!)?.imports ?? []) {
      if (!seen.includes(next)) seen.push(next);
    }
  }
  return seen;
}

/** Names a source for the browser's devtools without revealing paths on the build machine. */
function displayPath(source: URL, root: URL): string {
  if (source.href.startsWith(root.href)) return `app:///${source.href.slice(root.href.length)}`;
  const npm = source.pathname.indexOf("/registry.npmjs.org/");
  if (npm >= 0) return `npm:///${source.pathname.slice(npm + "/registry.npmjs.org/".length)}`;
  return `external:///${source.pathname.split("/").pop()}`;
}

async function hash8(content: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", content));
  return Array.from(digest.slice(0, 4), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// Level 9 rather than CompressionStream's default: 0.5 KB less for the 36 KB first load.
function gzip(content: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return Promise.resolve(new Uint8Array(gzipSync(content, { level: 9 })));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

function report({ sizes, firstLoad, lazy }: BuildResult): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const [file, { raw, gzip }] of Object.entries(sizes)) {
    const kind = firstLoad.files.includes(file) ? "first-load" : lazy.includes(file) ? "lazy" : "";
    console.log(`_build/static/${file}  ${kb(raw)} raw, ${kb(gzip)} gzip  ${kind}`.trimEnd());
  }
  const over = firstLoad.gzip > JS_GZIP_BUDGET ? `  OVER the ${kb(JS_GZIP_BUDGET)} budget` : "";
  console.log(
    `first-load JS: ${kb(firstLoad.gzip)} gzip in ${firstLoad.files.length} file(s)${over}; ` +
      `${lazy.length} lazy chunk(s)`,
  );
}

if (import.meta.main) await build();
