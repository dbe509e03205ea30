/**
 * `POST /api/reports` `{room, seq, reason}`: a member reports someone else's message to the
 * administrator (see `lib/admin/reports.ts`; limited per user and hour).
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

const NewReport = v.object({
  room: v.pipe(v.string(), v.maxLength(100)),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  reason: v.optional(v.string(), ""),
});

/** The report route, to mount at `/api/reports`. */
export function reportRoutes(services: Pick<Services, "reports">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.post("/", jsonBody(NewReport), async (c) => {
    const { room, seq, reason } = c.req.valid("json");
    const result = await services.reports.report(c.var.user.id, room, seq, reason);
    return result.ok ? c.json({ id: result.id }, 201) : refusalResponse(c, result);
  });
  return app;
}
