/**
 * {@linkcode requireAdmin}: the server-side check in front of every administration route.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { SignedInEnv } from "../app_env.ts";
import { refusal } from "../../common/refusal.ts";
import { refusalResponse } from "../refusal_response.ts";

/**
 * Answers 401 without a signed-in user and 403 unless that user is the administrator. The
 * flag comes from the account record `loadSession` reads on every request, so it is current.
 *
 * @example
 * ```ts
 * const app = new Hono<AppEnv>().use(requireAdmin());
 * ```
 */
export function requireAdmin(): MiddlewareHandler<SignedInEnv> {
  return async function requireAdmin(c, next) {
    const user = c.var.user as SignedInEnv["Variables"]["user"] | undefined;
    if (!user || !c.var.session) return refusalResponse(c, refusal(401, "refusal.notSignedIn"));
    if (!user.admin) return refusalResponse(c, refusal(403, "refusal.adminOnly"));
    await next();
  };
}
