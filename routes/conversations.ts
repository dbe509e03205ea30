/**
 * JSON API of the conversation list, mounted at `/api/conversations`:
 * `GET /?cursor=&limit=` answers a {@linkcode ConversationPage} (default 50, at most 100
 * entries), most recent activity first. Needs a signed-in user.
 *
 * @module
 */
import { Hono } from "hono";
import { CONVERSATION_PAGE_DEFAULT, CONVERSATION_PAGE_MAX } from "../lib/common/api_types.ts";
import type { ConversationPage } from "../lib/common/api_types.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { pageLimit } from "./page_limit.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

/** Routes of the conversation list, to mount at `/api/conversations`. */
export function conversationRoutes(
  services: Pick<Services, "conversations">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/", async (c) => {
    const limit = pageLimit(c.req.query("limit"), CONVERSATION_PAGE_DEFAULT, CONVERSATION_PAGE_MAX);
    if (limit === null) {
      return refusalResponse(c, refusal(400, "refusal.limitRange", { max: CONVERSATION_PAGE_MAX }));
    }
    const cursor = c.req.query("cursor") || undefined;
    const page: ConversationPage = await services.conversations.page(c.var.user.id, cursor, limit);
    return c.json(page);
  });

  return app;
}
