/**
 * The read receipt setting, mounted at `/api/me/receipts`: `GET` answers
 * `{ enabled }`, `PUT { enabled }` changes it. Off, the user sends no receipts and sees none.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

const ReceiptsSetting = v.object({ enabled: v.boolean() });

/** Routes of the read receipt setting, to mount at `/api/me/receipts`. */
export function readSettingRoutes(services: Pick<Services, "receipts">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/", async (c) => c.json({ enabled: await services.receipts.enabled(c.var.user.id) }));
  app.put("/", jsonBody(ReceiptsSetting), async (c) => {
    const { enabled } = c.req.valid("json");
    const done = await services.receipts.setEnabled(c.var.user.id, enabled);
    if (!done.ok) return refusalResponse(c, done);
    return c.json({ enabled });
  });
  return app;
}
