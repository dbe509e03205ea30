/**
 * One log line per HTTP request, written when its response is ready: method, route pattern
 * (not the path, which may hold an invite token or a file id), status, duration and the request
 * id set by Hono's `requestId` middleware, which every response also carries (`X-Request-Id`).
 * Responses with status 429 also count as rate-limit
 * refusals in the metrics, labelled with the route, so every HTTP limit (logins, rooms, friend
 * requests, uploads, searches, connections) is counted in one place.
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";

/**
 * Logs each request through `log` and counts 429 answers in `metrics`. Register it first, so
 * its duration covers the whole request, and `requestId` after it; or, where no response
 * carries the id (the socket app's upgrades), give `newId` and no `requestId`: the id is then
 * made here, one middleware less on every connect (BENCHMARKS.md, "Connect storm and idle
 * memory, round six").
 *
 * @example
 * ```ts
 * app.use(requestLog(createLogger("json"), metrics));
 * app.use(requestId());
 * socketApp.use(requestLog(createLogger("json"), metrics, () => crypto.randomUUID()));
 * ```
 */
export function requestLog(
  log: Logger,
  metrics: Pick<Metrics, "refused">,
  newId?: () => string,
): MiddlewareHandler {
  return async function requestLog(c: Context, next: Next): Promise<void> {
    const start = performance.now();
    if (newId) c.set("requestId", newId());
    await next();
    const id = c.get("requestId");
    // Hono applies `c.header()` only to responses it builds; pages return their own. An
    // upgrade (101) response is left as Deno made it.
    if (id && c.res.status !== 101 && !c.res.headers.has("x-request-id")) {
      try {
        c.res.headers.set("X-Request-Id", id);
      } catch {
        // Immutable headers (`Response.redirect()`): the id is still in the log line.
      }
    }
    // After `next()`, the pattern of the last handler that ran: the one that answered.
    const route = `${c.req.method} ${routePath(c)}`;
    const status = c.res.status;
    if (status === 429) metrics.refused(route);
    log.info("request", {
      requestId: id,
      method: c.req.method,
      route,
      status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  };
}
