/**
 * The invite link page, mounted at `/join`: `GET /:token` shows the room the link leads to
 * and a Join button (a plain form, no script); `POST /:token` accepts the link and goes to the
 * chat. Every refused link (expired, used up, revoked, unknown, or the user is banned) shows
 * the same message, but a link whose maker an administrator disabled, which says it is paused. A visitor who is not logged in is sent to `/login?next=/join/<token>`, and
 * comes back here after logging in or signing up.
 *
 * @module
 */
import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import { roomHash } from "../client/room_hash.ts";
import { useI18n } from "../components/i18n_context.ts";
import { Layout } from "../components/Layout.tsx";
import { translator } from "../lib/common/i18n/catalogues.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import type { AppEnv } from "../lib/server/app_env.ts";
import { LINK_REFUSED } from "../lib/rooms/invite_links.ts";
import type { Services } from "../lib/server/services.ts";
import type { Theme } from "../lib/common/theme.ts";
import { themeOf } from "../lib/server/theme_cookie.ts";

/** Join-page routes, to mount at `/join`. */
export function joinPageRoutes(services: Pick<Services, "assets" | "inviteLinks">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const page = (
    locale: Locale,
    theme: Theme,
    token: string,
    roomName: string | null,
    refused = LINK_REFUSED,
  ) =>
    new Response(
      "<!doctype html>" + renderToString(
        <Layout
          locale={locale}
          theme={theme}
          title={translator(locale)("join.title")}
          stylesUrl={services.assets.url("styles.css")}
        >
          <main class="auth-page">
            <form method="post" action={`/join/${token}`} class="auth-card">
              {roomName === null
                ? (
                  <p class="error" role="alert" data-testid="join-error">
                    {translator(locale)(refused.code, refused.params)}
                  </p>
                )
                : <JoinForm roomName={roomName} />}
            </form>
          </main>
        </Layout>,
      ),
      {
        status: roomName === null ? refused.status : 200,
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      },
    );

  const toLogin = (token: string) => `/login?next=${encodeURIComponent(`/join/${token}`)}`;

  app.get("/:token", async (c) => {
    const token = c.req.param("token");
    if (!c.var.user) return c.redirect(toLogin(token));
    const seen = await services.inviteLinks.peek(c.var.user.id, token);
    return seen.ok
      ? page(c.var.locale, themeOf(c), token, seen.room.name)
      : page(c.var.locale, themeOf(c), token, null, seen);
  });

  app.post("/:token", async (c) => {
    const token = c.req.param("token");
    if (!c.var.user) return c.redirect(toLogin(token), 303);
    const result = await services.inviteLinks.accept(c.var.user.id, token);
    if (!result.ok) return page(c.var.locale, themeOf(c), token, null, result);
    return c.redirect(`/${roomHash(result.room.id)}`, 303);
  });

  return app;
}

/** The heading and button of a link that can be accepted. */
function JoinForm({ roomName }: { roomName: string }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t("join.heading", { room: roomName })}</h1>
      <button type="submit" class="button" data-testid="accept-invite">
        {t("join.button")}
      </button>
    </>
  );
}
