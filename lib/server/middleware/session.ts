/**
 * Session middlewares: {@linkcode loadSession} reads the cookie on every request;
 * {@linkcode requireUser} refuses API requests without a valid session.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Accounts } from "../../accounts/accounts.ts";
import type { AppEnv, SignedInEnv } from "../app_env.ts";
import type { Session, Sessions } from "../../accounts/sessions.ts";
import { refusal } from "../../common/refusal.ts";
import { refusalResponse } from "../refusal_response.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "sid";

/**
 * Sets `c.var.user` and `c.var.session` from the session cookie, or leaves them undefined.
 *
 * @example
 * ```ts
 * app.use(loadSession(sessions, accounts));
 * ```
 */
export function loadSession(sessions: Sessions, accounts: Accounts): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    const session = await sessions.lookup(getCookie(c, SESSION_COOKIE));
    const account = session ? await accounts.get(session.userId) : null;
    if (session && account) {
      c.set("session", session);
      c.set("user", { id: account.id, name: account.name });
    }
    await next();
  };
}

/**
 * Answers 401 JSON unless the request has a signed-in user. Its type is
 * {@linkcode SignedInEnv}: the handlers of the app that `app.use(requireUser())` returns, or
 * the handlers after it in one route's list, read `c.var.user` and `c.var.session` as set,
 * without `!`. Register routes on that returned app, not on the one `use` was called on: they
 * are the same object at run time, but only the returned one has the narrowed type.
 *
 * @example
 * ```ts
 * const app = new Hono<AppEnv>().use(requireUser());
 * app.get("/me", (c) => c.json({ id: c.var.user.id }));
 * ```
 */
export function requireUser(): MiddlewareHandler<SignedInEnv> {
  return async function requireUser(c, next) {
    // Read with the app's own types: until this check, `loadSession` may have set neither.
    // It sets both or neither, so testing both refuses exactly the requests it always did.
    const { user, session }: Pick<AppEnv["Variables"], "user" | "session"> = c.var;
    if (!user || !session) return refusalResponse(c, refusal(401, "refusal.notSignedIn"));
    await next();
  };
}

/** Puts the session token in an HttpOnly, SameSite=Lax cookie; Secure over https. */
export function setSessionCookie(c: Context, token: string, session: Session): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    expires: new Date(session.expiresAt),
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}
