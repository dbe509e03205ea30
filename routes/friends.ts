/**
 * JSON API for friends and blocks, mounted at `/api/friends`. Every rule is enforced by
 * `lib/social/friends.ts`; these handlers only translate. Every route needs a signed-in user.
 *
 * | route                                   | does                                 |
 * | --------------------------------------- | ------------------------------------ |
 * | `GET /`                                 | `{friends, incoming, outgoing, blocked}` |
 * | `POST /requests` `{username, note?}`    | sends a request (201), or befriends (200); 429 past `FRIEND_REQUESTS_PER_HOUR` or within a day of a decline |
 * | `POST /requests/:username/accept`       | accepts their request                |
 * | `POST /requests/:username/decline`      | declines their request               |
 * | `DELETE /requests/:username`            | cancels the caller's request         |
 * | `DELETE /:username`                     | ends a friendship                    |
 * | `POST /blocks` `{username}`             | blocks                               |
 * | `DELETE /blocks/:username`              | unblocks                             |
 *
 * @module
 */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { changeResponse, refusalResponse } from "../lib/server/refusal_response.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { refusal } from "../lib/common/refusal.ts";

const NewRequest = v.object({ username: v.string(), note: v.optional(v.string()) });
const Username = v.object({ username: v.string() });

/** Routes of the friends API, to mount at `/api/friends`. */
export function friendRoutes(
  services: Pick<Services, "friends" | "friendRequests" | "config">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  const { friends } = services;
  const me = (c: Context<SignedInAppEnv>) => c.var.user.id;

  app.get("/", async (c) => c.json(await friends.lists(me(c))));

  app.post("/requests", jsonBody(NewRequest), async (c) => {
    const { username, note } = c.req.valid("json");
    const quota = keys.friendRequestsSent(me(c));
    const limit = services.config.limits.friendRequestsPerHour;
    const wait = await services.friendRequests.blockedFor(quota, limit);
    if (wait > 0) {
      const tooMany = refusal(429, "refusal.friendRequestRate", { minutes: Math.ceil(wait / 60) });
      return refusalResponse(c, { ...tooMany, retryAfterSeconds: wait });
    }
    const result = await friends.request(me(c), username, note);
    if (!result.ok) return refusalResponse(c, result);
    // Only requests that reached someone count: typos and refusals cost nothing.
    await services.friendRequests.add(quota, me(c));
    return c.json({ status: result.status }, result.status === "pending" ? 201 : 200);
  });
  app.post(
    "/requests/:username/accept",
    async (c) => changeResponse(c, await friends.accept(me(c), c.req.param("username"))),
  );
  app.post(
    "/requests/:username/decline",
    async (c) => changeResponse(c, await friends.decline(me(c), c.req.param("username"))),
  );
  app.delete(
    "/requests/:username",
    async (c) => changeResponse(c, await friends.cancel(me(c), c.req.param("username"))),
  );

  app.post(
    "/blocks",
    jsonBody(Username),
    async (c) => changeResponse(c, await friends.block(me(c), c.req.valid("json").username)),
  );
  app.delete(
    "/blocks/:username",
    async (c) => changeResponse(c, await friends.unblock(me(c), c.req.param("username"))),
  );

  app.delete(
    "/:username",
    async (c) => changeResponse(c, await friends.remove(me(c), c.req.param("username"))),
  );

  return app;
}
