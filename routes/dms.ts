/**
 * JSON API for direct conversations, mounted at `/api/dms`: `GET /` lists the caller's,
 * `POST /` `{username, encrypted?}` opens (or returns) the one with a friend (with
 * `encrypted`, the secret chat: a separate end-to-end encrypted room). Every route needs a
 * signed-in user.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

const OpenDm = v.object({ username: v.string(), encrypted: v.optional(v.boolean()) });

/** Routes of the direct-message API, to mount at `/api/dms`. */
export function dmRoutes(services: Pick<Services, "directMessages">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/", async (c) => c.json({ dms: await services.directMessages.list(c.var.user.id) }));

  app.post("/", jsonBody(OpenDm), async (c) => {
    const { username, encrypted } = c.req.valid("json");
    const result = await services.directMessages.open(c.var.user.id, username, encrypted);
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ room: result.room });
  });

  return app;
}
