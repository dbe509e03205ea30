/**
 * The built browser assets (`deno task build` writes them to `_build/`): content-hashed file
 * names from the manifest, served with year-long immutable caching and, where the browser
 * accepts it, the gzip file written at build time.
 *
 * @module
 */
import type { Context } from "hono";

/** Folder the build writes to. */
export const BUILD_DIR = new URL("../../_build/", import.meta.url);

/** Hashed asset names and a way to serve them. */
export interface Assets {
  /** Public URL of a logical asset name such as `islands.js`. */
  url(name: AssetName): string;
  /**
   * Public URLs of the chunks the islands entry imports statically, for `<link
   * rel="modulepreload">`: the browser fetches them with the entry instead of after it.
   */
  preloads(): string[];
  /** Serves `/static/:file`; 404 for files the build did not write. */
  serve(c: Context, file: string): Promise<Response>;
  /**
   * Serves the service worker (`/sw.js`) the build wrote, revalidated on every load so a new
   * deploy's worker is found at the next visit.
   */
  serveWorker(c: Context): Response;
}

/** Logical names of the built assets a page or the manifest links to. */
export type AssetName = "islands.js" | "styles.css" | "icon-192.png" | "icon-512.png";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".png": "image/png",
};

/** Reads the build manifest. Throws with the command to run when the build is missing. */
export async function loadAssets(dir: URL = BUILD_DIR): Promise<Assets> {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(await Deno.readTextFile(new URL("manifest.json", dir)));
  } catch (cause) {
    throw new Error("Browser assets are not built: run `deno task build` first", { cause });
  }
  // Written by the same build; an older build without it just preloads nothing.
  const firstLoad: string[] = await Deno.readTextFile(new URL("build.json", dir))
    .then((text) => JSON.parse(text).firstLoad.files, () => []);
  const staticDir = new URL("static/", dir);
  const worker = await Deno.readTextFile(new URL("sw.js", dir));
  const files = new Set<string>();
  for await (const entry of Deno.readDir(staticDir)) files.add(entry.name);
  return {
    url(name) {
      const file = manifest[name];
      if (!file) throw new Error(`asset ${name} is not in the build manifest`);
      return `/static/${file}`;
    },
    preloads() {
      return firstLoad.slice(1).map((file) => `/static/${file}`);
    },
    async serve(c, file) {
      const type = TYPES[file.slice(file.lastIndexOf("."))];
      if (!type || !files.has(file)) return c.notFound();
      const gzip = files.has(`${file}.gz`) &&
        /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
      const body = await Deno.readFile(new URL(gzip ? `${file}.gz` : file, staticDir));
      const headers: Record<string, string> = {
        "content-type": type,
        "cache-control": "public, max-age=31536000, immutable",
        "vary": "accept-encoding",
      };
      if (gzip) headers["content-encoding"] = "gzip";
      return new Response(body, { headers });
    },
    serveWorker(c) {
      return c.body(worker, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "no-cache",
      });
    },
  };
}
