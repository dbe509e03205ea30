/**
 * Uploaded avatars, for signed-in users only: `GET /api/avatars/users/:id/:version` (any
 * user's) and `GET /api/avatars/rooms/:id/:version` (a room's, to its members, or to everyone
 * for a public room). A version that is not current, a room the caller may not see, and the
 * avatar of a user who blocked the caller get the same 404 as an unknown user's. Uploads are `POST /api/me/avatar` and `POST /api/rooms/:id/avatar`.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { serveAvatar } from "./avatar_upload.ts";

/** Routes serving avatar images, to mount at `/api/avatars`. */
export function avatarRoutes(
  services: Pick<Services, "profiles" | "roomAvatars" | "friends">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/users/:id/:version", async (c) => {
    const { id, version } = c.req.param();
    // To a blocked user the blocker does not exist, even by an avatar URL seen before.
    if (await services.friends.hasBlocked(id, c.var.user.id)) return serveAvatar(c, null);
    return serveAvatar(c, await services.profiles.avatar(id, version));
  });

  app.get("/rooms/:id/:version", async (c) => {
    const { id, version } = c.req.param();
    return serveAvatar(c, await services.roomAvatars.image(c.var.user.id, id, version));
  });

  return app;
}
