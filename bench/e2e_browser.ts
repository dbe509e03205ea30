/**
 * `deno task bench --only e2e --browser [--devices N] [--messages M]`: the E2E measurement of
 * `e2e.ts` (the same function) run in headless Chromium, where the chat runs it: the MLS core is
 * bundled with `deno bundle` as the build does, served from 127.0.0.1 (WebCrypto needs a secure
 * context) and timed with `performance.now()` in the page.
 *
 * @module
 */
import { launchChromium } from "../tests/helpers/browser.ts";
import { type E2eBenchOptions, type E2eFigures, printE2eFigures } from "./e2e.ts";

/** Bundles, serves and runs the measurement in Chromium; prints one table. */
export async function runE2eBrowserBench(options: E2eBenchOptions): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "e2e-bench-" });
  const out = `${dir}/bench.js`;
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform=browser", "--minify", "-o", out, "bench/e2e_browser_entry.ts"],
    cwd: new URL("../", import.meta.url),
  }).output();
  if (!bundled.success) throw new Error(new TextDecoder().decode(bundled.stderr));
  const script = await Deno.readTextFile(out);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      new URL(request.url).pathname === "/bench.js"
        ? new Response(script, { headers: { "content-type": "text/javascript" } })
        : new Response('<!doctype html><script type="module" src="/bench.js"></script>', {
          headers: { "content-type": "text/html" },
        }),
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    await page.waitForFunction(() => Reflect.has(globalThis, "measureE2e"));
    const figures: E2eFigures = await page.evaluate(
      (given) => Reflect.get(globalThis, "measureE2e")(given),
      options,
    );
    printE2eFigures(`in Chromium ${browser.version()}`, figures, options.devices);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}
