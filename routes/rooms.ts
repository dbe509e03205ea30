/**
 * JSON API for rooms: list, create (public or private), join (public rooms only; a new member
 * gets an "X joined" system message), leave (not the owner: see `RoomLifecycle.leave`), and
 * `GET /discover?cursor=&limit=` for more public rooms (default 20, at most 100 a page). Every route needs a signed-in user. Administration
 * routes are in `room_admin.ts`.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import { DISCOVER_PAGE_DEFAULT, DISCOVER_PAGE_MAX } from "../lib/common/api_types.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { isPublicRoomCursor } from "../lib/rooms/public_rooms.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { pageLimit } from "./page_limit.ts";
import { refusal } from "../lib/common/refusal.ts";
import { changeResponse, refusalResponse } from "../lib/server/refusal_response.ts";

const NewRoom = v.object({
  name: v.string(),
  topic: v.optional(v.string()),
  visibility: v.optional(v.picklist(["public", "private"])),
  /** End-to-end encrypted (private rooms only). */
  encrypted: v.optional(v.boolean()),
});

/** Routes of the rooms API, to mount at `/api/rooms`. */
export function roomRoutes(
  services: Pick<
    Services,
    "rooms" | "roomCreations" | "config" | "postSystemMessage" | "roomLifecycle"
  >,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/", async (c) => c.json(await services.rooms.lists(c.var.user.id)));

  app.get("/discover", async (c) => {
    const limit = pageLimit(c.req.query("limit"), DISCOVER_PAGE_DEFAULT, DISCOVER_PAGE_MAX);
    if (limit === null) {
      return refusalResponse(c, refusal(400, "refusal.limitRange", { max: DISCOVER_PAGE_MAX }));
    }
    const cursor = c.req.query("cursor") || undefined;
    if (cursor !== undefined && !isPublicRoomCursor(cursor)) {
      return refusalResponse(c, refusal(400, "refusal.badCursor"));
    }
    return c.json(await services.rooms.discover(c.var.user.id, limit, cursor));
  });

  app.post("/", jsonBody(NewRoom), async (c) => {
    const { name, topic, visibility, encrypted } = c.req.valid("json");
    const user = c.var.user.id;
    const quota = keys.roomsCreated(user);
    const wait = await services.roomCreations.blockedFor(
      quota,
      services.config.limits.roomsPerHour,
    );
    if (wait > 0) {
      const tooMany = refusal(429, "refusal.tooManyRooms");
      return refusalResponse(c, { ...tooMany, retryAfterSeconds: wait });
    }
    const result = await services.rooms.create(user, name, topic, visibility, encrypted);
    if (!result.ok) return refusalResponse(c, result);
    await services.roomCreations.add(quota, user);
    return c.json({ room: result.room }, 201);
  });

  app.post("/:id/join", async (c) => {
    const user = c.var.user;
    const joined = await services.rooms.join(user.id, c.req.param("id"));
    if (!joined.ok) return refusalResponse(c, joined);
    // Only a new membership is news; joining again changes nothing and says nothing.
    if (joined.added) {
      await services.postSystemMessage(joined.room.id, { type: "joined", user: user.name });
    }
    return c.json({ room: joined.room });
  });

  app.post("/:id/leave", async (c) => {
    return changeResponse(c, await services.roomLifecycle.leave(c.var.user.id, c.req.param("id")));
  });

  return app;
}
