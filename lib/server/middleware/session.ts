/**
 * Session middlewares: {@linkcode loadSession} reads the cookie on every request;
 * {@linkcode requireUser} refuses API requests without a valid session.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { publicUser, sessionAllowed } from "../../accounts/accounts.ts";
import type { AppEnv, SignedInEnv } from "../app_env.ts";
import type { Session, Sessions } from "../../accounts/sessions.ts";
import { refusal } from "../../common/refusal.ts";
import { refusalResponse } from "../refusal_response.ts";
import { type SessionCookiePolicy, sessionCookiePolicy } from "../session_cookie.ts";

export { SESSION_COOKIE } from "../session_cookie.ts";

/**
 * Sets `c.var.user` and `c.var.session` from the session cookie, or leaves them undefined,
 * and `c.var.sessionCookie` to the `policy` that names and flags that cookie. The user hint
 * cookie beside it lets one KV read fetch both records (see `Sessions.lookupWithUser`).
 *
 * @example
 * ```ts
 * app.use(loadSession(sessions, sessionCookiePolicy(config)));
 * ```
 */
export function loadSession(
  sessions: Sessions,
  policy: SessionCookiePolicy = sessionCookiePolicy({}),
): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    await readSession(c, sessions, policy, false);
    await next();
  };
}

/**
 * What {@linkcode loadSession} does before the next handler, for a route that runs alone,
 * without middlewares (the socket app's, `routes/ws.ts`). With `forSocket`, the same KV
 * read fetches the user's friend digest into `c.var.friends` (a connect tells the user's
 * friends "came online" from it) and their lists' marks into `c.var.listMarks` (the
 * `welcome` carries them); `beforeMarks` is called just before those are read
 * ({@linkcode Sessions.lookupWithUser}).
 */
export async function readSession(
  c: Context<AppEnv>,
  sessions: Sessions,
  policy: SessionCookiePolicy,
  forSocket: boolean,
  beforeMarks?: (userId: string) => void,
): Promise<void> {
  c.set("sessionCookie", policy);
  const cookies = getCookie(c);
  const found = await sessions.lookupWithUser(
    cookies[policy.name],
    cookies[policy.userName],
    forSocket,
    beforeMarks,
  );
  // A disabled account's sessions stop working at once, without a list of them to revoke.
  if (found?.user && sessionAllowed(found.user, found.session)) {
    c.set("session", found.session);
    c.set("user", publicUser(found.user));
    if (forSocket) {
      c.set("friends", found.friends);
      c.set("listMarks", found.listMarks);
    }
  }
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

/**
 * Puts the session token in an HttpOnly, SameSite=Lax cookie, `Secure` as the server's
 * {@linkcode SessionCookiePolicy} says (https, or an https `PUBLIC_URL` behind a proxy), and
 * the session's user id in the user hint cookie, flagged alike.
 */
export function setSessionCookie(c: Context<AppEnv>, token: string, session: Session): void {
  const policy = c.var.sessionCookie;
  const flags = {
    httpOnly: true,
    sameSite: "Lax",
    secure: policy.secure(c.req.url),
    path: "/",
    expires: new Date(session.expiresAt),
  } as const;
  setCookie(c, policy.name, token, flags);
  // The same flags, so the two cookies live and go together.
  setCookie(c, policy.userName, session.userId, flags);
}

/** Removes the session cookie and the user hint cookie. */
export function clearSessionCookie<E extends AppEnv>(c: Context<E>): void {
  const policy = c.var.sessionCookie;
  const secure = policy.secure(c.req.url);
  deleteCookie(c, policy.name, { path: "/", secure });
  deleteCookie(c, policy.userName, { path: "/", secure });
}
