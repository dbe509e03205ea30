/**
 * What makes the chat an installable app: `GET /manifest.webmanifest` (name, icons, theme
 * colour) and `GET /sw.js`, the service worker, served from the root so its scope is the whole
 * site. The worker is revalidated on every load (`no-cache`), so a new deploy's worker, whose
 * bytes differ (it names the build's assets), replaces the old one at the next visit.
 *
 * @module
 */
import { Hono } from "hono";
import { translator } from "../lib/common/i18n/catalogues.ts";
import { THEME_COLOR } from "../lib/common/theme.ts";
import type { AppEnv } from "../lib/server/app_env.ts";
import type { Services } from "../lib/server/services.ts";

/** Routes of the manifest and the service worker, to mount at `/`. */
export function appShellRoutes(services: Pick<Services, "assets">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/manifest.webmanifest", (c) => {
    const t = translator(c.var.locale);
    const icons = (["icon-192.png", "icon-512.png"] as const).map((name) => ({
      src: services.assets.url(name),
      sizes: name === "icon-192.png" ? "192x192" : "512x512",
      type: "image/png",
      purpose: "any maskable",
    }));
    const manifest = {
      name: t("app.name"),
      short_name: t("app.name"),
      description: t("app.description"),
      id: "/",
      start_url: "/",
      scope: "/",
      display: "standalone",
      background_color: "#ffffff",
      theme_color: THEME_COLOR,
      icons,
    };
    return c.body(JSON.stringify(manifest), 200, {
      "content-type": "application/manifest+json; charset=utf-8",
      "cache-control": "no-cache",
    });
  });
  app.get("/sw.js", (c) => services.assets.serveWorker(c));
  return app;
}
