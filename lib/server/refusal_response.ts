/**
 * Turns a service's {@linkcode Refusal} into the API's error response, the one way every route
 * answers an expected "no".
 *
 * @module
 */
import type { Context } from "hono";
import type { Outcome, Refusal } from "../common/refusal.ts";

/**
 * The JSON error response for `refusal`: `{ error }` (and `retryAfterSeconds` with a
 * `Retry-After` header for a 429) with the refusal's status.
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
  const { status, error, retryAfterSeconds } = refusal;
  if (retryAfterSeconds === undefined) return c.json({ error }, status);
  return c.json({ error, retryAfterSeconds }, status, {
    "Retry-After": String(retryAfterSeconds),
  });
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
