/**
 * JSON API for profiles: `GET /api/me`, `PATCH /api/me/profile` (display name, status, UI
 * language), `POST /api/me/avatar` (the
 * image as the raw body, see `avatar_upload.ts`), `DELETE /api/me/avatar`,
 * `GET /api/users/:username`. Every route needs a signed-in user. A changed profile is sent
 * live to the user, their friends and everyone sharing a group room with them.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { ProfilePatchResponse, PublicProfile } from "../lib/common/api_types.ts";
import { LOCALES } from "../lib/common/i18n/locale.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { avatarUpload } from "./avatar_upload.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import { refusal } from "../lib/common/refusal.ts";
import { ACCOUNT_GONE } from "../lib/accounts/accounts.ts";

const ProfilePatch = v.object({
  displayName: v.optional(v.string()),
  status: v.optional(v.string()),
  locale: v.optional(v.nullable(v.picklist(LOCALES))),
  hideLastSeen: v.optional(v.boolean()),
});

/** What the profile routes use: announcing a changed profile needs friends, rooms and the broker. */
export type ProfileServices = Pick<
  Services,
  "profiles" | "friends" | "rooms" | "broker" | "config"
>;

/** Routes of the profile API, to mount at `/api`. */
export function profileRoutes(services: ProfileServices): Hono<SignedInAppEnv> {
  // By path, not for all: this app shares `/api` with `authRoutes`, whose routes need no user.
  // Every route below is under one of these paths, so all of them see the signed-in type.
  const app = new Hono<AppEnv>()
    .use("/me", requireUser())
    .use("/me/*", requireUser())
    .use("/users/*", requireUser());

  app.get("/me", async (c) => {
    const user = c.var.user;
    return c.json({ user, profile: await services.profiles.get(user.id) });
  });

  app.patch("/me/profile", jsonBody(ProfilePatch), async (c) => {
    const result = await services.profiles.update(c.var.user.id, c.req.valid("json"));
    if (!result.ok) return refusalResponse(c, result);
    await announceProfile(services, result.profile);
    const locale = await services.profiles.locale(c.var.user.id);
    return c.json({ profile: result.profile, locale } satisfies ProfilePatchResponse);
  });

  app.post("/me/avatar", avatarUpload(services.config.limits.bodyMs), async (c) => {
    const profile = await services.profiles.setAvatar(c.var.user.id, c.var.avatar);
    if (!profile) return refusalResponse(c, ACCOUNT_GONE);
    await announceProfile(services, profile);
    return c.json({ profile });
  });

  app.delete("/me/avatar", async (c) => {
    const profile = await services.profiles.setAvatar(c.var.user.id, null);
    if (!profile) return refusalResponse(c, ACCOUNT_GONE);
    await announceProfile(services, profile);
    return c.json({ profile });
  });

  // Unknown users and users who blocked the caller get the same answer; a deleted account's
  // name gets its stand-in profile, so its old messages show "deleted user".
  app.get("/users/:username", async (c) => {
    const username = c.req.param("username");
    const found = await services.friends.visibleUser(c.var.user.id, username);
    const profile = found
      ? await services.profiles.get(found.id)
      : await services.profiles.deletedProfile(username);
    if (!profile) return refusalResponse(c, refusal(404, "refusal.noSuchUser"));
    return c.json({ profile });
  });

  return app;
}

/** Sends a changed profile live to its user, their friends and the users in their rooms. */
async function announceProfile(
  services: ProfileServices,
  profile: PublicProfile,
): Promise<void> {
  const [friends, roommates] = await Promise.all([
    services.friends.friendIds(profile.id),
    services.rooms.roommateIds(profile.id),
  ]);
  services.broker.publish({
    kind: "user_event",
    users: [...new Set([profile.id, ...friends, ...roommates])],
    event: { kind: "profile", profile },
  });
}
