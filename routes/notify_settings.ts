/**
 * Notification levels per conversation, mounted at `/api/me/notifications`: `GET /` answers
 * `{ levels, version }` (room id to level, only the conversations whose level is not the
 * default, and the version of the latest change they include: see `NotifyLevelList`);
 * `PUT /:room` with `{ level }` (`"all"`, `"mentions"`, `"none"`, or null for the default)
 * changes one, for a member of that room only, and answers `{ room, level, version }` (the
 * write's versionstamp, which orders it against the `notify_level` events). Kept on the
 * server, so every device of the user follows the same choice.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import { NOTIFY_LEVELS } from "../lib/common/notify_level.ts";
import { refusal } from "../lib/common/refusal.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

const LevelBody = v.object({
  level: v.nullable(v.picklist(NOTIFY_LEVELS, "level must be all, mentions, none or null")),
});

/** Routes of the notification levels, to mount at `/api/me/notifications`. */
export function notifySettingRoutes(
  services: Pick<Services, "notifySettings" | "rooms">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get(
    "/",
    async (c) => c.json(await services.notifySettings.levels(c.var.user.id)),
  );
  app.put("/:room", jsonBody(LevelBody), async (c) => {
    const room = c.req.param("room");
    // Not a member and no such room get the same answer: the id reveals nothing.
    if (!await services.rooms.isMember(room, c.var.user.id)) {
      return refusalResponse(c, refusal(404, "refusal.noSuchRoom"));
    }
    const { level } = c.req.valid("json");
    const change = await services.notifySettings.setLevel(c.var.user.id, room, level);
    if (!("version" in change)) return refusalResponse(c, change);
    return c.json({ room, level, version: change.version });
  });
  return app;
}
