/**
 * `GET /ws?v=1`: the chat WebSocket. Refused before the upgrade unless the protocol version
 * is known, the Origin is allowed and the session is valid.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "../lib/server/app_env.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { configuredOrigins, isAllowedOrigin } from "../lib/server/origin.ts";
import { PROTOCOL_VERSION } from "../lib/common/protocol.ts";
import type { Services } from "../lib/server/services.ts";
import { upgradeToChat } from "../lib/realtime/ws_handler.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

/** Handler of the WebSocket endpoint. */
export function wsHandler(
  services: Pick<Services, "config" | "connectionLimiter" | "connection" | "sendBudget">,
): (c: Context<AppEnv>) => Response {
  // With PUBLIC_URL set, the Origin is checked against it, never against the Host header.
  const origins = configuredOrigins(services.config);
  return function ws(c: Context<AppEnv>): Response {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return refusalResponse(c, refusal(426, "refusal.expectedWebSocket"));
    }
    if (c.req.query("v") !== String(PROTOCOL_VERSION)) {
      return refusalResponse(
        c,
        refusal(400, "refusal.protocolVersion", { version: PROTOCOL_VERSION }),
      );
    }
    if (!isAllowedOrigin(c.req.header("origin"), c.req.url, origins)) {
      return refusalResponse(c, refusal(403, "refusal.originNotAllowed"));
    }
    const { user, session } = c.var;
    if (!user || !session) return refusalResponse(c, refusal(401, "refusal.notSignedIn"));
    const release = services.connectionLimiter.acquire(user.id, clientAddress(c));
    if (!release) return refusalResponse(c, refusal(429, "refusal.tooManyConnections"));
    return upgradeToChat(
      c.req.raw,
      user,
      session,
      services.connection,
      services.config.limits,
      release,
      services.sendBudget,
    );
  };
}
