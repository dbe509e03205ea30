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
 * its duration covers the whole request, and `requestId` after it.
 *
 * @example
 * ```ts
 * app.use(requestLog(createLogger("json"), metrics));
 * app.use(requestId());
 * ```
 */
export function requestLog(log: Logger, metrics: Pick<Metrics, "refused">): MiddlewareHandler {
  return async function requestLog(c: Context, next: Next): Promise<void> {
    const start = performance.now();
    await next();
    logRequest(log, metrics, c, c.res, start);
  };
}

/**
 * Writes the log line of a request answered with `response` (undefined: it failed, logged as
 * a 500), as {@linkcode requestLog} does, and gives the response `c.var.requestId` as its
 * `X-Request-Id`: for a route that runs alone, without middlewares (the socket app's,
 * `routes/ws.ts`). `start` is `performance.now()` when the request came in.
 */
export function logRequest(
  log: Logger,
  metrics: Pick<Metrics, "refused">,
  c: Context,
  response: Response | undefined,
  start: number,
): void {
  const id = c.get("requestId");
  const status = response?.status ?? 500;
  // Hono applies `c.header()` only to responses it builds; pages return their own. An
  // upgrade (101) response is left as Deno made it.
  if (id && response && status !== 101 && !response.headers.has("x-request-id")) {
    try {
      response.headers.set("X-Request-Id", id);
    } catch {
      // Immutable headers (`Response.redirect()`): the id is still in the log line.
    }
  }
  // The pattern of the last handler that ran: the one that answered.
  const route = `${c.req.method} ${routePath(c)}`;
  if (status === 429) metrics.refused(route);
  log.info("request", {
    requestId: id,
    method: c.req.method,
    route,
    status,
    ms: Math.round((performance.now() - start) * 10) / 10,
  });
}
