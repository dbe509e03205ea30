/**
 * The administration page, `GET /admin?tab=users|rooms|reports&q=&cursor=`, and its form posts:
 * `POST /admin/users/:id/disable|enable`, `/admin/rooms/:id/delete`,
 * `/admin/reports/:id/dismiss|delete-message|disable-author`. Every route answers 401 without a
 * session (the page itself redirects to the login page) and 403 to anyone but the administrator
 * (`requireAdmin`); a post comes back to the
 * page it was made from (`back`, a path under `/admin`) with 303, and a refusal as `?error=`.
 * Cross-site posts are refused by `sameOriginWrites` like every other write.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import AdminPage, { type AdminPageProps, type AdminTab } from "../components/AdminPage.tsx";
import { Layout } from "../components/Layout.tsx";
import { en } from "../lib/common/i18n/en.ts";
import { translator } from "../lib/common/i18n/catalogues.ts";
import type { MessageKey } from "../lib/common/i18n/translate.ts";
import type { Outcome } from "../lib/common/refusal.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import { requireAdmin } from "../lib/server/middleware/require_admin.ts";
import { themeOf } from "../lib/server/theme_cookie.ts";
import type { Services } from "../lib/server/services.ts";

/** What the administration routes use. */
export type AdminServices = Pick<Services, "assets" | "userAdmin" | "adminRooms" | "reports">;

/** Administration routes, to mount at `/admin`. */
export function adminRoutes(services: AdminServices): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>()
    // Someone signed out who opens the page is sent to log in and brought back.
    .get("/", async (c, next) => {
      if (!c.var.user) return c.redirect(`/login?next=${encodeURIComponent("/admin")}`);
      await next();
    })
    .use(requireAdmin());
  const { userAdmin, adminRooms, reports } = services;

  app.get("/", async (c) => {
    const tab = tabOf(c.req.query("tab"));
    const query = (c.req.query("q") ?? "").slice(0, 100);
    const cursor = c.req.query("cursor") || undefined;
    const kept = new URLSearchParams(new URL(c.req.url).search);
    kept.delete("error");
    const locale = c.var.locale;
    const t = translator(locale);
    const code = c.req.query("error");
    const common = {
      query,
      back: kept.size > 0 ? `/admin?${kept}` : "/admin",
      adminId: c.var.user.id,
      error: code && isRefusalCode(code) ? t(code) : undefined,
    };
    const page = tab === "users"
      ? await userAdmin.list(query, cursor)
      : tab === "rooms"
      ? await adminRooms.list(query, cursor)
      : await reports.list(cursor);
    if ("ok" in page) return refusalResponse(c, page);
    // The page read is the one for `tab`.
    const props = { ...common, tab, page } as AdminPageProps;
    const html = renderToString(
      <Layout
        locale={locale}
        theme={themeOf(c)}
        title={t("admin.heading")}
        stylesUrl={services.assets.url("styles.css")}
        user={c.var.user}
      >
        <AdminPage {...props} />
      </Layout>,
    );
    return new Response("<!doctype html>" + html, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  });

  const post = (
    path: string,
    act: (c: Context<SignedInAppEnv>, id: string) => Promise<Outcome>,
  ) =>
    app.post(path, async (c) => {
      const outcome = await act(c, c.req.param("id") ?? "");
      const form = await c.req.parseBody();
      const back = typeof form.back === "string" && /^\/admin(\?|$)/.test(form.back)
        ? form.back
        : "/admin";
      if (outcome.ok) return c.redirect(back, 303);
      const join = back.includes("?") ? "&" : "?";
      return c.redirect(`${back}${join}error=${outcome.code}`, 303);
    });

  post("/users/:id/disable", (c, id) => userAdmin.setDisabled(c.var.user.id, id, true));
  post("/users/:id/enable", (c, id) => userAdmin.setDisabled(c.var.user.id, id, false));
  post("/rooms/:id/delete", (c, id) => adminRooms.remove(c.var.user.id, id));
  post("/reports/:id/dismiss", (_c, id) => reports.dismiss(id));
  post("/reports/:id/delete-message", (c, id) => reports.deleteMessage(c.var.user, id));
  post("/reports/:id/disable-author", (c, id) => reports.disableAuthor(c.var.user.id, id));

  return app;
}

function tabOf(value: string | undefined): AdminTab {
  return value === "rooms" || value === "reports" ? value : "users";
}

function isRefusalCode(code: string): code is MessageKey {
  return code.startsWith("refusal.") && Object.hasOwn(en, code);
}
