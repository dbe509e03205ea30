/**
 * Refuses state-changing requests a foreign page could make a browser send.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { refusal } from "../../common/refusal.ts";
import { refusalResponse } from "../refusal_response.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Bodies a page on another site can post without a CORS preflight (HTML forms, beacons). */
const SIMPLE_BODY = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * Answers 403 `refusal.crossOriginRequest` to every POST, PUT, PATCH or DELETE whose `Origin`
 * is present and not allowed (`"null"` included), whatever its content type; without an
 * `Origin`, to one whose `Sec-Fetch-Site` is anything but `same-origin`. With neither header
 * (no browser sends neither on such a request since 2020), forms and bodiless requests are
 * refused and JSON is let through for scripts and tools.
 *
 * Unlike `hono/csrf`, which looks only at form content types and passes a request when
 * either header is acceptable, a foreign `Origin` is refused on a JSON body too: CORS preflight
 * and `SameSite=Lax` are then a second line, not the only one.
 *
 * @param isAllowed says whether an origin may write (`isAllowedOrigin` with the configured list)
 * @returns the middleware
 * @example
 * ```ts
 * app.use(sameOriginWrites((origin, url) => isAllowedOrigin(origin, url, origins)));
 * ```
 */
export function sameOriginWrites(
  isAllowed: (origin: string, requestUrl: string) => boolean,
): MiddlewareHandler<AppEnv> {
  return async function sameOriginWrites(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    const origin = c.req.header("origin");
    const fetchSite = c.req.header("sec-fetch-site");
    let allowed: boolean;
    if (origin !== undefined) allowed = isAllowed(origin, c.req.url);
    else if (fetchSite !== undefined) allowed = fetchSite === "same-origin";
    else allowed = !SIMPLE_BODY.test(c.req.header("content-type") ?? "text/plain");
    if (!allowed) return refusalResponse(c, refusal(403, "refusal.crossOriginRequest"));
    await next();
  };
}
