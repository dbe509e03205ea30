/**
 * First load of the chat page: runs `deno task build`, then reads the gzipped size of the
 * islands bundle (and of the stylesheet) from `_build/manifest.json` and the `.gz` files.
 *
 * @module
 */

/** Gzipped sizes of what the chat page loads, in bytes. */
export interface BundleResult {
  islandsFile: string;
  islandsGzipBytes: number;
  islandsRawBytes: number;
  stylesGzipBytes: number;
}

const root = new URL("../", import.meta.url);

/** Builds the browser assets and measures them. */
export async function measureBundle(): Promise<BundleResult> {
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!build.success) throw new Error(new TextDecoder().decode(build.stderr));
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("_build/manifest.json", root)),
  ) as Record<string, string>;
  const size = async (file: string) =>
    (await Deno.stat(new URL(`_build/static/${file}`, root))).size;
  const islands = manifest["islands.js"]!;
  return {
    islandsFile: islands,
    islandsGzipBytes: await size(`${islands}.gz`),
    islandsRawBytes: await size(islands),
    stylesGzipBytes: await size(`${manifest["styles.css"]}.gz`),
  };
}
