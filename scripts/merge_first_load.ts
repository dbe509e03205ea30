/**
 * The build's second pass: folds the chunks the islands entry imports statically into the entry
 * itself, so the first load is one file gzipped once.
 *
 * Why: esbuild's code splitting puts every module that the entry shares with a lazy chunk into a
 * chunk of its own (one per set of importers), so the first load was 22 files, each gzipped
 * alone, with import and export lists between them; concatenated they gzip about 3 KB smaller
 * (40.9 KB in 22 files against 37.7 KB for the same bytes in one, 2026-12-02).
 *
 * How: a generated module imports the entry (so the order in which modules run is the entry's
 * own) and re-exports every export of every static chunk under a unique name; `deno bundle`
 * without code splitting turns it into one file, leaving the lazy chunks' `import()`s external.
 * Each folded chunk that a lazy chunk still imports is replaced by a one-line module that
 * re-exports those names from the entry: the lazy chunk then shares the entry's module instance
 * (one Preact, one store), as it did before.
 *
 * @module
 */

/** A chunk of the first pass: its code, its source map, its static imports (output names). */
export interface PassChunk {
  js: Uint8Array<ArrayBuffer>;
  map: { sources: string[]; [key: string]: unknown };
  imports: string[];
}

/** What {@linkcode mergeFirstLoad} needs from the build. */
export interface MergeInput {
  /** Folder holding the first pass's output (chunks and their `.map` files). */
  dir: string;
  /** Folder the merged entry is written to. */
  outDir: string;
  /** The first pass's chunks by output name. */
  chunks: Map<string, PassChunk>;
  /** Output name of the entry. */
  entry: string;
  /** The static chunks to fold: the entry's static closure without the entry. */
  folded: string[];
  /** Runs `deno bundle` with these arguments in `root`; returns its output on failure. */
  bundle(args: string[]): Promise<void>;
}

/**
 * Folds `folded` into the entry. Returns the merged entry's code and map, and for each folded
 * chunk that a remaining chunk imports, the source of the stub that replaces it, in which
 * `ENTRY_PLACEHOLDER` stands for the entry's final (hashed) file name.
 *
 * @param input The first pass's output and how to run the bundler.
 * @returns The merged entry, and the stubs by chunk name.
 * @throws {Error} When the second `deno bundle` fails, or a chunk imports a name that the
 * export list found in the folded chunk lacks (so a stub would fail to link in the browser).
 */
export async function mergeFirstLoad(
  input: MergeInput,
): Promise<{ entry: PassChunk; stubs: Map<string, string> }> {
  const { dir, chunks, folded } = input;
  const external = [...chunks.keys()].filter((name) =>
    name !== input.entry && !folded.includes(name)
  );
  const externalCode = external.map((name) => new TextDecoder().decode(chunks.get(name)!.js));
  const exportsOf = new Map<string, string[]>();
  const lines = [`import"./${input.entry}";`];
  folded.forEach((name, index) => {
    const all = exportNames(new TextDecoder().decode(chunks.get(name)!.js));
    const used = usedNames(externalCode, name);
    const missing = [...used ?? []].filter((imported) => !all.includes(imported));
    if (missing.length > 0) {
      throw new Error(`${name} does not export ${missing} (its export list?)`);
    }
    const names = used ? all.filter((exported) => used.has(exported)) : all;
    exportsOf.set(name, names);
    if (names.length === 0) return;
    const list = names.map((exported) => `${exported} as ${alias(exported, index)}`).join(",");
    lines.push(`export{${list}}from"./${name}";`);
  });
  const generated = `${dir}/first_load_entry.js`;
  await Deno.writeTextFile(generated, lines.join("\n") + "\n");

  await input.bundle([
    "bundle",
    "--platform=browser",
    "--minify",
    "--sourcemap=external",
    ...external.map((name) => `--external=./${name}`),
    "--outdir",
    input.outDir,
    generated,
  ]);
  const js = await Deno.readFile(`${input.outDir}/first_load_entry.js`);
  const map = JSON.parse(await Deno.readTextFile(`${input.outDir}/first_load_entry.js.map`));

  const stubs = new Map<string, string>();
  folded.forEach((name, index) => {
    if (!externalCode.some((code) => code.includes(`"./${name}"`))) return;
    const list = exportsOf.get(name)!.map((exported) => `${alias(exported, index)} as ${exported}`);
    stubs.set(name, `export{${list.join(",")}}from"./${ENTRY_PLACEHOLDER}";\n`);
  });
  return { entry: { js, map, imports: [] }, stubs };
}

/** Stands for the merged entry's hashed name in a stub's source. */
export const ENTRY_PLACEHOLDER = "\0entry";

/** Unique across chunks: the chunk's index after the last `_`, so `A_` of 1 and `A` never meet. */
function alias(exported: string, index: number): string {
  return `${exported}_${index}`;
}

/**
 * The exported names of an esbuild chunk, from the `export{local as name,…};` it writes after
 * its code (legal comments such as Lucide's licence may follow it); none when it has none.
 */
function exportNames(js: string): string[] {
  const lists = [
    ...js.matchAll(/\bexport\{([\w$]+(?: as [\w$]+)?(?:,[\w$]+(?: as [\w$]+)?)*)\};?/g),
  ];
  const list = lists.at(-1)?.[1];
  return list ? list.split(",").map((item) => item.split(" as ").pop()!) : [];
}

/**
 * The names the other chunks import from chunk `name`, when every mention of it is an
 * `import{a as b,…}from"./name"` or `import"./name"` as esbuild writes them; undefined (so every
 * export stays) when some mention is anything else.
 */
function usedNames(codes: string[], name: string): Set<string> | undefined {
  const used = new Set<string>();
  const quoted = `"./${name}"`;
  for (const code of codes) {
    const mentions = code.split(quoted).length - 1;
    let understood = 0;
    const pattern = new RegExp(
      `import(?:\\{([\\w$, ]*)\\}from)?${quoted.replaceAll(".", "\\.")}`,
      "g",
    );
    for (const match of code.matchAll(pattern)) {
      understood++;
      for (const item of match[1]?.split(",") ?? []) used.add(item.trim().split(" as ")[0]!);
    }
    if (understood !== mentions) return undefined;
  }
  return used;
}
