/**
 * Server-rendered pages: `/` (the chat, for signed-in users), `/login`, `/register`, and the
 * HTML form posts behind them (`POST /login`, `/register`, `/logout`).
 *
 * `/login?next=/path` and `/register?next=/path` go to `/path` after a successful login or
 * sign-up (an invite link opened while logged out), but only when it is a path on this site
 * (see {@linkcode localPath}); anything else goes to `/`.
 *
 * @module
 */
import { Hono } from "hono";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { AuthForm } from "../components/AuthForm.tsx";
import { Island } from "../components/Island.tsx";
import { Layout } from "../components/Layout.tsx";
import ChatApp from "../islands/ChatApp.tsx";
import { CONVERSATION_PAGE_DEFAULT, DISCOVER_PAGE_DEFAULT } from "../lib/common/api_types.ts";
import type { AppEnv } from "../lib/server/app_env.ts";
import { CATALOGUES, translator } from "../lib/common/i18n/catalogues.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import type { SignedIn } from "../lib/accounts/auth_service.ts";
import type { Refusal, RefusalStatus } from "../lib/common/refusal.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { localPath } from "../lib/server/local_path.ts";
import { themeOf } from "../lib/server/theme_cookie.ts";
import type { Theme } from "../lib/common/theme.ts";
import { clearSessionCookie, setSessionCookie } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";

/** Page routes, to mount at `/`. */
export function pageRoutes(
  services: Pick<
    Services,
    | "assets"
    | "auth"
    | "rooms"
    | "profiles"
    | "friends"
    | "conversations"
    | "config"
    | "notifySettings"
  >,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Pages show who is signed in: never stored by a cache, nor shown again after logout.
  const html = (page: VNode, status: 200 | RefusalStatus = 200) =>
    new Response("<!doctype html>" + renderToString(page), {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  const authPage = (
    locale: Locale,
    theme: Theme,
    mode: "login" | "register",
    next: string,
    refusal?: Refusal,
    username?: string,
    notice?: "ended" | "deleted",
  ) =>
    html(
      <Layout
        locale={locale}
        theme={theme}
        title={translator(locale)(mode === "login" ? "auth.loginTitle" : "auth.registerTitle")}
        stylesUrl={services.assets.url("styles.css")}
      >
        <AuthForm
          mode={mode}
          next={next}
          error={refusal && translator(locale)(refusal.code, refusal.params)}
          username={username}
          notice={notice}
        />
      </Layout>,
      refusal?.status,
    );

  app.get("/", async (c) => {
    const user = c.var.user;
    if (!user) return c.redirect("/login");
    // Only the first page of the conversation list (about a page of reads, whatever the number
    // of memberships) and of Discover: the island asks for more pages, and for a conversation
    // further down when a link names it (`GET /api/conversations/:id`).
    // The lists' marks before the lists: a change in between reads as newer than the page.
    const listMarks = await services.conversations.listMarks(user.id);
    const [discover, profile, savedLocale, friends, conversations, notifyLevels, hideLastSeen] =
      await Promise.all([
        services.rooms.discover(user.id, DISCOVER_PAGE_DEFAULT),
        services.profiles.get(user.id),
        services.profiles.locale(user.id),
        services.friends.lists(user.id),
        services.conversations.page(user.id, undefined, CONVERSATION_PAGE_DEFAULT),
        services.notifySettings.levels(user.id),
        services.profiles.hidesLastSeen(user.id),
      ]);
    if (!profile) return c.redirect("/login");
    const locale = c.var.locale;
    const theme = themeOf(c);
    return html(
      <Layout
        locale={locale}
        theme={theme}
        stylesUrl={services.assets.url("styles.css")}
        scriptUrl={services.assets.url("islands.js")}
        preloadUrls={services.assets.preloads()}
        appIconUrl={services.assets.url("icon-192.png")}
        user={user}
      >
        <Island
          name="ChatApp"
          component={ChatApp}
          props={{
            user,
            discover,
            profile,
            friends,
            conversations,
            locale,
            catalogue: CATALOGUES[locale],
            savedLocale,
            theme,
            recordings: services.config.recordings,
            notifyLevels,
            listMarks,
            hideLastSeen,
          }}
        />
      </Layout>,
    );
  });

  for (const mode of ["login", "register"] as const) {
    app.get(`/${mode}`, (c) => {
      const next = localPath(c.req.query("next"));
      if (c.var.user) return c.redirect(next);
      // `?ended=1`: a chat tab whose session ended elsewhere sent the user here; `?deleted=1`:
      // the tab whose account deletion began. Say so.
      const notice = mode !== "login"
        ? undefined
        : c.req.query("ended") === "1"
        ? "ended"
        : c.req.query("deleted") === "1"
        ? "deleted"
        : undefined;
      return authPage(c.var.locale, themeOf(c), mode, next, undefined, undefined, notice);
    });
    app.post(`/${mode}`, async (c) => {
      const form = await c.req.parseBody();
      const username = typeof form.username === "string" ? form.username : "";
      const password = typeof form.password === "string" ? form.password : "";
      const next = localPath(form.next);
      const result: SignedIn | Refusal = mode === "login"
        ? await services.auth.login(username, password, clientAddress(c))
        : await services.auth.register(username, password);
      if (!result.ok) return authPage(c.var.locale, themeOf(c), mode, next, result, username);
      setSessionCookie(c, result.token, result.session);
      return c.redirect(next, 303);
    });
  }

  app.post("/logout", async (c) => {
    if (c.var.session) await services.auth.logout(c.var.session);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  return app;
}
