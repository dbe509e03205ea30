/**
 * A user's own account: `GET /api/me/account/export` (everything of theirs as a JSON download,
 * see `lib/accounts/account_export.ts`) and `POST /api/me/account/delete` `{password}` (see
 * `lib/accounts/account_deletion.ts`; the session cookie is cleared with it).
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { clearSessionCookie, requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";
import { refusal } from "../lib/common/refusal.ts";

const Confirm = v.object({ password: v.string() });

/** Routes of one's own account data, to mount at `/api/me/account`. */
export function accountRoutes(
  services: Pick<Services, "accountExport" | "accountDeletion">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/export", async (c) => {
    const stream = await services.accountExport(c.var.user.id);
    if (!stream) return refusalResponse(c, refusal(404, "refusal.noSuchUser"));
    const day = new Date().toISOString().slice(0, 10);
    return new Response(stream, {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="chat-export-${c.var.user.name}-${day}.json"`,
        "cache-control": "no-store",
      },
    });
  });

  app.post("/delete", jsonBody(Confirm), async (c) => {
    const { password } = c.req.valid("json");
    const result = await services.accountDeletion.delete(c.var.user, password, clientAddress(c));
    if (!result.ok) return refusalResponse(c, result);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  return app;
}
