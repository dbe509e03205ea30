/**
 * Renders the app icon (`static/icons/icon.svg`) to the PNGs the web app manifest lists
 * (`icon-192.png`, `icon-512.png`, `maskable`: the bubble sits inside the central 80 % circle
 * a launcher may crop to, on a full-bleed background). Run it after changing the SVG:
 * `deno run -A scripts/make_icons.ts`; the PNGs are committed, so builds need no browser.
 *
 * @module
 */
import { launchChromium } from "../tests/helpers/browser.ts";

/** Sizes of the PNG icons, in pixels. */
export const ICON_SIZES = [192, 512] as const;

const dir = new URL("../static/icons/", import.meta.url);

if (import.meta.main) {
  const svg = await Deno.readTextFile(new URL("icon.svg", dir));
  const browser = await launchChromium();
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      const body = svg.replace("<svg ", `<svg width="${size}" height="${size}" `);
      await page.setContent(`<body style="margin:0">${body}</body>`);
      await page.screenshot({ path: new URL(`icon-${size}.png`, dir).pathname });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}
