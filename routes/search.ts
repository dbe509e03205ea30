/**
 * JSON API of message search, mounted at `/api/search`:
 * `GET /?q=&room=&from=&before=&after=&has=&cursor=&limit=` answers a {@linkcode SearchPage}
 * of the messages the caller can read now, newest first (default 20, at most 50 per page).
 * `from` is a username, `before`/`after` are times in ms since the epoch, `has` is `file` or
 * `image`, `cursor` the previous page's `nextCursor`. The rules (tokenizing, matching,
 * visibility, bounds, rate) are in `docs/SEARCH.md` and `lib/search/message_search.ts`.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import { SEARCH_PAGE_DEFAULT, SEARCH_PAGE_MAX, type SearchPage } from "../lib/common/api_types.ts";
import { refusal } from "../lib/common/refusal.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";
import { pageLimit } from "./page_limit.ts";

const Time = v.pipe(
  v.string(),
  v.regex(/^[0-9]{1,15}$/, "before and after must be times in milliseconds"),
  v.transform(Number),
);

const SearchParams = v.object({
  q: v.string("q (what to search for) is required"),
  room: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, "room is not a room id"))),
  from: v.optional(v.pipe(v.string(), v.regex(/^.{1,64}$/u, "from must be a username"))),
  before: v.optional(Time),
  after: v.optional(Time),
  has: v.optional(v.picklist(["file", "image"], "has must be file or image")),
  cursor: v.optional(v.string()),
  limit: v.optional(v.string()),
});

/** Routes of message search, to mount at `/api/search`. */
export function searchRoutes(services: Pick<Services, "messageSearch">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/", async (c) => {
    const parsed = v.safeParse(SearchParams, c.req.query());
    if (!parsed.success) {
      const detail = parsed.issues[0].message;
      return refusalResponse(c, refusal(400, "refusal.invalidQuery", { detail }));
    }
    const { limit: rawLimit, ...request } = parsed.output;
    const limit = pageLimit(rawLimit, SEARCH_PAGE_DEFAULT, SEARCH_PAGE_MAX);
    if (limit === null) {
      return refusalResponse(c, refusal(400, "refusal.limitRange", { max: SEARCH_PAGE_MAX }));
    }
    const result = await services.messageSearch.search(c.var.user.id, { ...request, limit });
    if (!result.ok) return refusalResponse(c, result);
    const { hits, nextCursor } = result;
    return c.json((nextCursor ? { hits, nextCursor } : { hits }) satisfies SearchPage);
  });
  return app;
}
