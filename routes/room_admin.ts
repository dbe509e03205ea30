/**
 * JSON API for running a group room, mounted at `/api/rooms` beside `rooms.ts`:
 * `GET /:id/members`, `PATCH /:id` `{name?, topic?}`, `POST|DELETE /:id/avatar` (the picture,
 * see `avatar_upload.ts`), `DELETE /:id`, `POST /:id/invites`
 * `{username}`, `POST /:id/transfer` `{userId}`, `POST /:id/members/:userId/<action>`, and the
 * invite links `GET|POST /:id/links`, `DELETE /:id/links/:token`. Plus {@linkcode linkRoutes}
 * (`POST /api/links/:token/accept`). Every rule is checked in `lib/rooms/moderation.ts` and
 * `lib/rooms/invite_links.ts`; a non-member gets the answer for a room that does not exist.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { ModerationResult } from "../lib/rooms/moderation.ts";
import { MOD_ACTIONS, type ModAction } from "../lib/common/room_roles.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { avatarUpload } from "./avatar_upload.ts";

const RoomChange = v.object({ name: v.optional(v.string()), topic: v.optional(v.string()) });
const Invite = v.object({ username: v.string() });
const Transfer = v.object({ userId: v.string() });
const NewLink = v.object({ expiresInHours: v.number(), maxUses: v.number() });

function answer(c: Context, result: ModerationResult): Response {
  return result.ok ? c.body(null, 204) : c.json({ error: result.error }, result.status);
}

/** Room administration routes, to mount at `/api/rooms`. */
export function roomAdminRoutes(
  services: Pick<Services, "moderation" | "inviteLinks" | "roomAvatars">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  const { moderation, inviteLinks } = services;

  app.get("/:id/members", async (c) => {
    const details = await moderation.details(c.req.param("id"), c.var.user.id);
    return details ? c.json(details) : c.json({ error: "No such room" }, 404);
  });

  app.patch("/:id", jsonBody(RoomChange), async (c) => {
    return answer(
      c,
      await moderation.update(c.var.user.id, c.req.param("id"), c.req.valid("json")),
    );
  });

  app.post("/:id/avatar", avatarUpload(), async (c) => {
    const { id } = c.req.param();
    return answer(c, await services.roomAvatars.set(c.var.user.id, id, c.var.avatar));
  });

  app.delete("/:id/avatar", async (c) => {
    return answer(c, await services.roomAvatars.set(c.var.user.id, c.req.param("id"), null));
  });

  app.delete("/:id", async (c) => {
    return answer(c, await moderation.remove(c.var.user.id, c.req.param("id")));
  });

  app.post("/:id/invites", jsonBody(Invite), async (c) => {
    const { username } = c.req.valid("json");
    return answer(c, await moderation.invite(c.var.user.id, c.req.param("id"), username));
  });

  app.post("/:id/transfer", jsonBody(Transfer), async (c) => {
    const { userId } = c.req.valid("json");
    return answer(c, await moderation.transfer(c.var.user.id, c.req.param("id"), userId));
  });

  app.post("/:id/members/:userId/:action", async (c) => {
    const action = c.req.param("action") as ModAction;
    if (!MOD_ACTIONS.includes(action)) return c.json({ error: "Unknown action" }, 404);
    const { id, userId } = c.req.param();
    return answer(c, await moderation.act(c.var.user.id, id, userId, action));
  });

  app.get("/:id/links", async (c) => {
    const result = await inviteLinks.list(c.var.user.id, c.req.param("id"));
    return result.ok
      ? c.json({ links: result.links })
      : c.json({ error: result.error }, result.status);
  });

  app.post("/:id/links", jsonBody(NewLink), async (c) => {
    const { expiresInHours, maxUses } = c.req.valid("json");
    const result = await inviteLinks.create(
      c.var.user.id,
      c.req.param("id"),
      expiresInHours,
      maxUses,
    );
    return result.ok ? c.json(result.link, 201) : c.json({ error: result.error }, result.status);
  });

  app.delete("/:id/links/:token", async (c) => {
    const { id, token } = c.req.param();
    return answer(c, await inviteLinks.revoke(c.var.user.id, id, token));
  });

  return app;
}

/** `POST /:token/accept`, to mount at `/api/links`. */
export function linkRoutes(services: Pick<Services, "inviteLinks">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.post("/:token/accept", async (c) => {
    const result = await services.inviteLinks.accept(c.var.user.id, c.req.param("token"));
    return result.ok
      ? c.json({ room: result.room })
      : c.json({ error: result.error }, result.status);
  });
  return app;
}
