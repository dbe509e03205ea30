/**
 * Call routes, mounted at `/api/calls`: `GET /ice` answers `{ iceServers, expiresAt? }`, the
 * `RTCConfiguration.iceServers` for the signed-in user with a TURN credential minted for them
 * alone (see `lib/calls/ice_servers.ts`). Not cached: each answer carries a fresh expiry.
 * `GET /rooms/:room` answers `{ call }`, the room's group call under way (a `RoomCall`) or null,
 * for a member only: a tab that opens the room after the call started shows it from this, then
 * follows `room_call` frames.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { iceServersFor } from "../lib/calls/ice_servers.ts";
import type { CallService } from "../lib/calls/call_service.ts";
import type { Clock } from "../lib/common/clock.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

/** Routes of calls, to mount at `/api/calls`. */
export function callRoutes(
  services: Pick<Services, "config" | "rooms">,
  calls: Pick<CallService, "roomCall">,
  clock: Clock,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/ice", async (c) => {
    const answer = await iceServersFor(services.config.ice, c.var.user.id, clock.now());
    c.header("cache-control", "no-store");
    return c.json(answer);
  });
  app.get("/rooms/:room", async (c) => {
    const room = c.req.param("room");
    // Not a member and no such room get the same answer: the id reveals nothing.
    if (!await services.rooms.isMember(room, c.var.user.id)) {
      return refusalResponse(c, refusal(404, "refusal.noSuchRoom"));
    }
    c.header("cache-control", "no-store");
    return c.json({ call: await calls.roomCall(room) });
  });
  return app;
}
