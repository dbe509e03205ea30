/**
 * JSON API for running a group room, mounted at `/api/rooms` beside `rooms.ts`:
 * `GET /:id/members`, `PATCH /:id` `{name?, topic?}`, `POST|DELETE /:id/avatar` (the picture,
 * see `avatar_upload.ts`), `DELETE /:id`, `POST /:id/invites`
 * `{username}`, `POST /:id/transfer` `{userId}`, `POST /:id/members/:userId/<action>`, and the
 * invite links `GET|POST /:id/links`, `DELETE /:id/links/:token`. Plus {@linkcode linkRoutes}
 * (`POST /api/links/:token/accept`). Every rule is checked in `lib/rooms/` (room_details, room_edits,
 * room_lifecycle, member_moderation, invite_links, room_avatars); a non-member gets the answer for a room that does not exist.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { changeResponse, refusalResponse } from "../lib/server/refusal_response.ts";
import { MOD_ACTIONS, type ModAction } from "../lib/common/room_roles.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { avatarUpload } from "./avatar_upload.ts";
import { refusal } from "../lib/common/refusal.ts";

const RoomChange = v.object({ name: v.optional(v.string()), topic: v.optional(v.string()) });
const Invite = v.object({ username: v.string() });
const Transfer = v.object({ userId: v.string() });
const NewLink = v.object({ expiresInHours: v.number(), maxUses: v.number() });

/** Room administration routes, to mount at `/api/rooms`. */
export function roomAdminRoutes(
  services: Pick<
    Services,
    | "roomDetails"
    | "roomEdits"
    | "roomLifecycle"
    | "memberModeration"
    | "inviteLinks"
    | "roomAvatars"
    | "config"
  >,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  const { memberModeration, inviteLinks } = services;

  app.get("/:id/members", async (c) => {
    const details = await services.roomDetails.details(c.req.param("id"), c.var.user.id);
    return details ? c.json(details) : refusalResponse(c, refusal(404, "refusal.noSuchRoom"));
  });

  app.patch("/:id", jsonBody(RoomChange), async (c) => {
    return changeResponse(
      c,
      await services.roomEdits.update(c.var.user.id, c.req.param("id"), c.req.valid("json")),
    );
  });

  app.post("/:id/avatar", avatarUpload(services.config.limits.bodyMs), async (c) => {
    const { id } = c.req.param();
    return changeResponse(c, await services.roomAvatars.set(c.var.user.id, id, c.var.avatar));
  });

  app.delete("/:id/avatar", async (c) => {
    return changeResponse(
      c,
      await services.roomAvatars.set(c.var.user.id, c.req.param("id"), null),
    );
  });

  app.delete("/:id", async (c) => {
    return changeResponse(c, await services.roomLifecycle.remove(c.var.user.id, c.req.param("id")));
  });

  app.post("/:id/invites", jsonBody(Invite), async (c) => {
    const { username } = c.req.valid("json");
    return changeResponse(
      c,
      await memberModeration.invite(c.var.user.id, c.req.param("id"), username),
    );
  });

  app.post("/:id/transfer", jsonBody(Transfer), async (c) => {
    const { userId } = c.req.valid("json");
    return changeResponse(
      c,
      await memberModeration.transfer(c.var.user.id, c.req.param("id"), userId),
    );
  });

  app.post("/:id/members/:userId/:action", async (c) => {
    const action = c.req.param("action") as ModAction;
    if (!MOD_ACTIONS.includes(action)) {
      return refusalResponse(c, refusal(404, "refusal.unknownAction"));
    }
    const { id, userId } = c.req.param();
    return changeResponse(c, await memberModeration.act(c.var.user.id, id, userId, action));
  });

  app.get("/:id/links", async (c) => {
    const result = await inviteLinks.list(c.var.user.id, c.req.param("id"));
    return result.ok ? c.json({ links: result.links }) : refusalResponse(c, result);
  });

  app.post("/:id/links", jsonBody(NewLink), async (c) => {
    const { expiresInHours, maxUses } = c.req.valid("json");
    const result = await inviteLinks.create(
      c.var.user.id,
      c.req.param("id"),
      expiresInHours,
      maxUses,
    );
    return result.ok ? c.json(result.link, 201) : refusalResponse(c, result);
  });

  app.delete("/:id/links/:token", async (c) => {
    const { id, token } = c.req.param();
    return changeResponse(c, await inviteLinks.revoke(c.var.user.id, id, token));
  });

  return app;
}

/** `POST /:token/accept`, to mount at `/api/links`. */
export function linkRoutes(services: Pick<Services, "inviteLinks">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.post("/:token/accept", async (c) => {
    const result = await services.inviteLinks.accept(c.var.user.id, c.req.param("token"));
    return result.ok ? c.json({ room: result.room }) : refusalResponse(c, result);
  });
  return app;
}
