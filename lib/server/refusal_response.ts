/**
 * Turns a service's {@linkcode Refusal} into the API's error response, the one way every route
 * answers an expected "no".
 *
 * @module
 */
import type { Context } from "hono";
import type { ApiError } from "../common/api_types.ts";
import type { Outcome, Refusal } from "../common/refusal.ts";

/**
 * The JSON error response for `refusal`, with its status: {@linkcode ApiError}, that is the
 * English `error`, the catalogue `code` and its `params` for the reader's language, and for a
 * 429 `retryAfterSeconds` (also as a `Retry-After` header).
 *
 * @example
 * ```ts
 * const result = await moderation.kick(user.id, room, target);
 * return result.ok ? c.body(null, 204) : refusalResponse(c, result);
 * ```
 *
 * @param c The request's context.
 * @param refusal What the service said.
 * @returns The response to send.
 */
export function refusalResponse(c: Context, refusal: Refusal): Response {
  const { status, error, code, params, retryAfterSeconds } = refusal;
  const body: ApiError = { error, code };
  if (params !== undefined) body.params = params;
  if (retryAfterSeconds === undefined) return c.json(body, status);
  body.retryAfterSeconds = retryAfterSeconds;
  return c.json(body, status, { "Retry-After": String(retryAfterSeconds) });
}

/**
 * The response to a change that returns nothing: 204 when it was made, else the refusal's.
 *
 * @example
 * ```ts
 * app.delete("/:id", async (c) => changeResponse(c, await lifecycle.remove(user, c.req.param("id"))));
 * ```
 *
 * @param c The request's context.
 * @param outcome What the service said.
 * @returns The response to send.
 */
export function changeResponse(c: Context, outcome: Outcome): Response {
  return outcome.ok ? c.body(null, 204) : refusalResponse(c, outcome);
}
