/**
 * `deno task build`: bundles the islands (`client.ts`) with `deno bundle` and copies
 * `static/styles.css`, writing content-hashed files, their source map and gzip twins to
 * `_build/static/`, and `_build/manifest.json` mapping logical names to hashed ones.
 *
 * @module
 */

/** What {@linkcode build} wrote. */
export interface BuildResult {
  /** Logical name (`islands.js`, `styles.css`) to hashed file name in `_build/static/`. */
  manifest: Record<string, string>;
  /** Bytes of each hashed file, raw and gzipped. */
  sizes: Record<string, { raw: number; gzip: number }>;
}

/** Options of {@linkcode build}. */
export interface BuildOptions {
  /** Project root (with `client.ts` and `static/styles.css`); this script's parent. */
  root?: URL;
  /** Leaves out the size report. */
  quiet?: boolean;
}

/** Gzipped islands bundle budget, in bytes; the report flags a bundle over it. */
const JS_GZIP_BUDGET = 30 * 1024;

/**
 * Builds the browser assets. Deletes `_build/static/` first, so only the current files remain
 * (the server serves exactly what is listed there). The manifest is written last, so a server
 * reading it never sees names of files not written yet.
 *
 * @example
 * ```ts
 * const { manifest } = await build();
 * manifest["islands.js"]; // "islands.1a2b3c4d.js"
 * ```
 *
 * @param options Where the project is, and whether to print sizes.
 * @returns The manifest and the size of every file.
 * @throws {Error} When `deno bundle` fails; the message carries its output.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? new URL("../", import.meta.url);
  const outDir = new URL("_build/static/", root);
  const bundle = await bundleIslands(root);
  await Deno.remove(outDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(outDir, { recursive: true });

  const manifest: Record<string, string> = {};
  const sizes: BuildResult["sizes"] = {};
  const write = async (
    name: string,
    ext: string,
    content: Uint8Array<ArrayBuffer>,
    suffix = "",
  ) => {
    const file = `${name}.${await hash8(content)}.${ext}`;
    const bytes = concat(content, new TextEncoder().encode(suffix.replaceAll("$FILE", file)));
    const gzipped = await gzip(bytes);
    await Deno.writeFile(new URL(file, outDir), bytes);
    await Deno.writeFile(new URL(`${file}.gz`, outDir), gzipped);
    manifest[`${name}.${ext}`] = file;
    sizes[file] = { raw: bytes.length, gzip: gzipped.length };
    return file;
  };

  const js = await write("islands", "js", bundle.js, "\n//# sourceMappingURL=$FILE.map\n");
  await Deno.writeTextFile(
    new URL(`${js}.map`, outDir),
    JSON.stringify({ ...bundle.map, file: js }),
  );
  await write("styles", "css", await Deno.readFile(new URL("static/styles.css", root)));

  const manifestFile = new URL("_build/manifest.json", root);
  const temporary = new URL("_build/manifest.json.tmp", root);
  await Deno.writeTextFile(temporary, JSON.stringify(manifest, null, 2) + "\n");
  await Deno.rename(temporary, manifestFile);

  if (!options.quiet) report(sizes);
  return { manifest, sizes };
}

interface SourceMap {
  sources: string[];
  [key: string]: unknown;
}

async function bundleIslands(root: URL): Promise<{ js: Uint8Array<ArrayBuffer>; map: SourceMap }> {
  const tmp = await Deno.makeTempDir({ prefix: "chat-build-" });
  try {
    const out = `${tmp}/islands.js`;
    const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform=browser",
        "--minify",
        "--sourcemap=external",
        "-o",
        out,
        "client.ts",
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      const output = new TextDecoder().decode(concat(stdout, stderr));
      throw new Error(`deno bundle failed:\n${output}`);
    }
    const map: SourceMap = JSON.parse(await Deno.readTextFile(`${out}.map`));
    const bundleUrl = new URL(`file://${out}`);
    map.sources = map.sources.map((source) => displayPath(new URL(source, bundleUrl), root));
    return { js: await Deno.readFile(out), map };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
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

async function gzip(content: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([content]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

function report(sizes: BuildResult["sizes"]): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  for (const [file, { raw, gzip }] of Object.entries(sizes)) {
    const over = file.endsWith(".js") && gzip > JS_GZIP_BUDGET
      ? `  OVER the ${kb(JS_GZIP_BUDGET)} gzip budget`
      : "";
    console.log(`_build/static/${file}  ${kb(raw)} raw, ${kb(gzip)} gzip${over}`);
  }
}

if (import.meta.main) await build();
