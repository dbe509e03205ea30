/**
 * JSON API for profiles: `GET /api/me`, `PATCH /api/me/profile`, `GET /api/users/:username`.
 * Every route needs a signed-in user.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../lib/app_env.ts";
import { requireUser } from "../lib/middleware/session.ts";
import type { Services } from "../lib/services.ts";
import { jsonBody } from "./auth.ts";

const ProfilePatch = v.object({
  displayName: v.optional(v.string()),
  status: v.optional(v.string()),
});

/** Routes of the profile API, to mount at `/api`. */
export function profileRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/me", requireUser());
  app.use("/me/*", requireUser());
  app.use("/users/*", requireUser());

  app.get("/me", async (c) => {
    const user = c.var.user!;
    return c.json({ user, profile: await services.profiles.get(user.id) });
  });

  app.patch("/me/profile", jsonBody(ProfilePatch), async (c) => {
    const user = c.var.user!.id;
    const result = await services.profiles.update(user, c.req.valid("json"));
    if (!result.ok) return c.json({ error: result.message }, 400);
    const friends = await services.friends.friendIds(user);
    services.broker.publish({
      kind: "user_event",
      users: [user, ...friends],
      event: { kind: "profile", profile: result.profile },
    });
    return c.json({ profile: result.profile });
  });

  // Unknown users and users who blocked the caller get the same answer.
  app.get("/users/:username", async (c) => {
    const found = await services.friends.visibleUser(c.var.user!.id, c.req.param("username"));
    const profile = found && await services.profiles.get(found.id);
    if (!profile) return c.json({ error: "No such user" }, 404);
    return c.json({ profile });
  });

  return app;
}
