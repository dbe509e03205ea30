/**
 * A request body read whole before the handler, within a deadline and a size cap: the app's
 * JSON and form bodies, avatar images and upload parts all come through it, so that no client
 * can hold a request (its handler, its buffered bytes, its socket) by sending headers and then
 * trickling, or never finishing, the body.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { type Refusal, refusal } from "../../common/refusal.ts";
import { readBodyWithin } from "../read_body_within.ts";
import { refusalResponse } from "../refusal_response.ts";

/** The answer to a JSON, form or avatar body that has not all come within `BODY_SECONDS`. */
export const BODY_TIMEOUT: Refusal = refusal(408, "refusal.bodyTimeout");

/** What {@linkcode bodyWithin} allows, and how it refuses. */
export interface BodyWithinOptions {
  /** The largest body, in bytes. */
  maxBytes: number;
  /** How long the whole body may take to arrive once the headers have, in milliseconds. */
  ms: number;
  /** The answer to a body over `maxBytes` (refused before reading when `Content-Length` says so). */
  tooLarge: Refusal;
  /** The answer to a body that has not all come within `ms` (status 408). */
  late: Refusal;
}

/**
 * Reads the request's body into memory within `ms` and `maxBytes`, for the handler to read
 * as usual (`c.req.json()`, `c.req.arrayBuffer()`); a request without a body passes as it is.
 * A refused body is answered with `Connection: close`: the rest of it may still be coming, so
 * the connection cannot carry another request.
 *
 * @example
 * ```ts
 * app.post("/notes", bodyWithin({ maxBytes: 16_384, ms: 38_000, tooLarge, late }), (c) => …);
 * ```
 *
 * @param options The cap, the deadline and their refusals.
 * @returns Middleware for an app or one route.
 */
export function bodyWithin(options: BodyWithinOptions): MiddlewareHandler {
  const { maxBytes, ms, tooLarge, late } = options;
  return async function bodyWithin(c, next) {
    const body = c.req.raw.body;
    if (body === null) return await next();
    const declared = c.req.header("content-length");
    const bytes = declared !== undefined && Number(declared) > maxBytes
      ? "tooLarge"
      : await readBodyWithin(body, ms, maxBytes);
    if (typeof bytes === "string") {
      c.header("connection", "close");
      return refusalResponse(c, bytes === "late" ? late : tooLarge);
    }
    // Where Hono keeps a body it has read, for `c.req.json()`, `text()`, `arrayBuffer()` and
    // `parseBody()` to derive from without a copy (a new `Request` around the bytes cost a 480 KiB
    // part ~10% of upload throughput). Its type says methods; Hono itself stores promises there.
    (c.req.bodyCache as Record<string, Promise<unknown>>).arrayBuffer = Promise.resolve(
      bytes.buffer,
    );
    await next();
  };
}
