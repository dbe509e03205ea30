/**
 * JSON API for rooms: list, create, join, leave. Every route needs a signed-in user.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../lib/app_env.ts";
import { isDirectRoomId } from "../lib/direct_room_id.ts";
import { keys } from "../lib/kv_keys.ts";
import { requireUser } from "../lib/middleware/session.ts";
import type { Services } from "../lib/services.ts";
import { jsonBody } from "./auth.ts";

const NewRoom = v.object({ name: v.string(), topic: v.optional(v.string()) });

/** Routes of the rooms API, to mount at `/api/rooms`. */
export function roomRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requireUser());

  app.get("/", async (c) => c.json(await services.rooms.lists(c.var.user!.id)));

  app.post("/", jsonBody(NewRoom), async (c) => {
    const { name, topic } = c.req.valid("json");
    const user = c.var.user!.id;
    const quota = keys.roomsCreated(user);
    const wait = await services.roomCreations.blockedFor(
      quota,
      services.config.limits.roomsPerHour,
    );
    if (wait > 0) {
      c.header("retry-after", String(wait));
      return c.json(
        { error: "Too many rooms created; try again later", retryAfterSeconds: wait },
        429,
      );
    }
    const result = await services.rooms.create(user, name, topic);
    if (!result.ok) return c.json({ error: result.message }, 400);
    await services.roomCreations.add(quota);
    return c.json({ room: result.room }, 201);
  });

  app.post("/:id/join", async (c) => {
    const room = await services.rooms.join(c.var.user!.id, c.req.param("id"));
    if (!room) return c.json({ error: "No such room" }, 404);
    return c.json({ room });
  });

  app.post("/:id/leave", async (c) => {
    const room = c.req.param("id");
    if (isDirectRoomId(room)) return c.json({ error: "A direct conversation cannot be left" }, 400);
    const user = c.var.user!.id;
    await services.rooms.leave(user, room);
    services.broker.publish({ kind: "left", room, user });
    return c.body(null, 204);
  });

  return app;
}
