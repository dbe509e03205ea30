/**
 * First load of the chat page: builds the browser assets and reports the gzipped first-load JS
 * (the islands entry and the chunks it imports statically), the lazy chunks, and the stylesheet.
 *
 * @module
 */
import { build } from "../scripts/build.ts";

/** Gzipped sizes of what the chat page loads, in bytes. */
export interface BundleResult {
  /** The islands entry; first load also counts the chunks it imports statically. */
  islandsFile: string;
  /** First-load JS: the entry and its static chunks, gzipped. */
  islandsGzipBytes: number;
  islandsRawBytes: number;
  /** Chunks fetched only through `import()`, gzipped, by file. */
  lazyGzipBytes: Record<string, number>;
  stylesGzipBytes: number;
}

const root = new URL("../", import.meta.url);

/** Builds the browser assets (as `deno task build` does) and measures them. */
export async function measureBundle(): Promise<BundleResult> {
  const { manifest, sizes, firstLoad, lazy } = await build({ root, quiet: true });
  return {
    islandsFile: manifest["islands.js"]!,
    islandsGzipBytes: firstLoad.gzip,
    islandsRawBytes: firstLoad.files.reduce((sum, file) => sum + sizes[file]!.raw, 0),
    lazyGzipBytes: Object.fromEntries(lazy.map((file) => [file, sizes[file]!.gzip])),
    stylesGzipBytes: sizes[manifest["styles.css"]!]!.gzip,
  };
}
