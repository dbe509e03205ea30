/**
 * Call routes, mounted at `/api/calls`: `GET /ice` answers `{ iceServers, expiresAt? }`, the
 * `RTCConfiguration.iceServers` for the signed-in user with a TURN credential minted for them
 * alone (see `lib/calls/ice_servers.ts`). Not cached: each answer carries a fresh expiry.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import type { Services } from "../lib/server/services.ts";
import { iceServersFor } from "../lib/calls/ice_servers.ts";
import type { Clock } from "../lib/common/clock.ts";

/** Routes of calls, to mount at `/api/calls`. */
export function callRoutes(
  services: Pick<Services, "config">,
  clock: Clock,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/ice", async (c) => {
    const answer = await iceServersFor(services.config.ice, c.var.user.id, clock.now());
    c.header("cache-control", "no-store");
    return c.json(answer);
  });
  return app;
}
