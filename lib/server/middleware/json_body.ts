/**
 * Validated JSON request bodies for the API routes.
 *
 * @module
 */
import { validator } from "hono/validator";
import * as v from "valibot";
import { refusal } from "../../common/refusal.ts";
import { refusalResponse } from "../refusal_response.ts";

/**
 * Validates a JSON body against a valibot schema; the handler after it reads the schema's
 * output with `c.req.valid("json")`. Refusals, each without calling the handler:
 * - a body that fails the schema: 400 `{ error }` with the first problem's message;
 * - a body that is not JSON although its Content-Type says so: Hono's 400, as plain text
 *   `Malformed JSON in request body`;
 * - a Content-Type that is not JSON: the body reads as `{}`, so it fails any schema with a
 *   required field (400 `{ error }`).
 *
 * @param schema What the body must be.
 * @returns Middleware for one route's handler list.
 *
 * @example
 * ```ts
 * const Invite = v.object({ username: v.string() });
 * app.post("/invites", jsonBody(Invite), (c) => c.json(c.req.valid("json")));
 * ```
 */
export function jsonBody<T extends v.GenericSchema>(schema: T) {
  return validator("json", (value, c) => {
    const result = v.safeParse(schema, value);
    if (!result.success) {
      return refusalResponse(
        c,
        refusal(400, "refusal.invalidBody", { detail: result.issues[0].message }),
      );
    }
    return result.output as v.InferOutput<T>;
  });
}
