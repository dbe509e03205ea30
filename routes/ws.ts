/**
 * `GET /ws?v=1`: the chat WebSocket. Refused before the upgrade unless the protocol version
 * is known, the Origin is allowed and the session is valid.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "../lib/server/app_env.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { isAllowedOrigin } from "../lib/server/origin.ts";
import { PROTOCOL_VERSION } from "../lib/common/protocol.ts";
import type { Services } from "../lib/server/services.ts";
import { upgradeToChat } from "../lib/realtime/ws_handler.ts";

/** Handler of the WebSocket endpoint. */
export function wsHandler(
  services: Pick<Services, "config" | "connectionLimiter" | "connection">,
): (c: Context<AppEnv>) => Response {
  return function ws(c: Context<AppEnv>): Response {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.json({ error: "Expected a WebSocket upgrade" }, 426);
    }
    if (c.req.query("v") !== String(PROTOCOL_VERSION)) {
      return c.json({ error: `Unsupported protocol version; use v=${PROTOCOL_VERSION}` }, 400);
    }
    if (!isAllowedOrigin(c.req.header("origin"), c.req.url, services.config.allowedOrigins)) {
      return c.json({ error: "Origin not allowed" }, 403);
    }
    const { user, session } = c.var;
    if (!user || !session) return c.json({ error: "Not signed in" }, 401);
    const release = services.connectionLimiter.acquire(user.id, clientAddress(c));
    if (!release) return c.json({ error: "Too many open connections" }, 429);
    return upgradeToChat(
      c.req.raw,
      user,
      session,
      services.connection,
      services.config.limits,
      release,
    );
  };
}
