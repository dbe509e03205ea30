/**
 * Uploaded avatars, for signed-in users only: `GET /api/avatars/users/:id/:version` (any
 * user's) and `GET /api/avatars/rooms/:id/:version` (a room's, to its members, or to everyone
 * for a public room). A version that is not current, and a room the caller may not see, get
 * the same 404. Uploads are `POST /api/me/avatar` and `POST /api/rooms/:id/avatar`.
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
  services: Pick<Services, "profiles" | "roomAvatars">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/users/:id/:version", async (c) => {
    const { id, version } = c.req.param();
    return serveAvatar(c, await services.profiles.avatar(id, version));
  });

  app.get("/rooms/:id/:version", async (c) => {
    const { id, version } = c.req.param();
    return serveAvatar(c, await services.roomAvatars.image(c.var.user.id, id, version));
  });

  return app;
}
