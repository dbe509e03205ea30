/**
 * The UI language middleware: {@linkcode chooseLocale} sets `c.var.locale` for the pages.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { type Locale, negotiateLocale } from "../../common/i18n/locale.ts";
import type { AppEnv } from "../app_env.ts";

/** Reads the UI language a user saved in their profile; null: they left it to the browser. */
export type SavedLocale = (userId: string) => Promise<Locale | null>;

/**
 * Sets `c.var.locale`: the signed-in user's saved language if any, else the best match of
 * the request's `Accept-Language` (see `negotiateLocale`). Register it after `loadSession`.
 *
 * @example
 * ```ts
 * app.use(loadSession(sessions));
 * app.use(chooseLocale((id) => profiles.locale(id)));
 * app.get("/", (c) => c.text(c.var.locale));
 * ```
 *
 * @param saved Reads a user's saved language.
 * @returns The middleware.
 */
export function chooseLocale(saved: SavedLocale): MiddlewareHandler<AppEnv> {
  return async function chooseLocale(c, next) {
    const user = c.var.user;
    const locale = (user && await saved(user.id)) ??
      negotiateLocale(c.req.header("accept-language"));
    c.set("locale", locale);
    await next();
  };
}
