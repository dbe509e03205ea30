/**
 * JSON API of the conversation list, mounted at `/api/conversations`:
 * `GET /?cursor=&limit=` answers a {@linkcode ConversationPage} (default 50, at most 100
 * entries), most recent activity first; `GET /:id` answers one {@linkcode Conversation} of the
 * user's as a page lists it, wherever it ranks (a link to an old conversation), or 404
 * `refusal.noSuchRoom` when the user is not in that room. Needs a signed-in user.
 *
 * @module
 */
import { Hono } from "hono";
import { CONVERSATION_PAGE_DEFAULT, CONVERSATION_PAGE_MAX } from "../lib/common/api_types.ts";
import type { Conversation, ConversationPage } from "../lib/common/api_types.ts";
import { NO_SUCH_ROOM } from "../lib/rooms/room_access.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { pageLimit } from "./page_limit.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

/** Longer than any room id (`dm_` and two user ids, a group room's id). */
const ROOM_ID_MAX_CHARS = 128;

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

  app.get("/:id", async (c) => {
    const id = c.req.param("id");
    // No room id is this long: answered without a read (a KV key is at most 2 KiB).
    if (id.length > ROOM_ID_MAX_CHARS) return refusalResponse(c, NO_SUCH_ROOM);
    const conversation: Conversation | null = await services.conversations.one(c.var.user.id, id);
    return conversation ? c.json(conversation) : refusalResponse(c, NO_SUCH_ROOM);
  });

  return app;
}
