/**
 * `GET /ws?v=2`: the chat WebSocket. Refused before the upgrade unless the Origin is allowed
 * and the session is valid. A browser cannot read why an upgrade was refused, so a signed-in
 * client speaking another protocol version is upgraded and told: an `error` frame with code
 * `version_mismatch`, then a close with code 4426 (`CLOSE_VERSION_MISMATCH`). While the node
 * shuts down, upgrades are refused with 503. `batch=1` asks for batched message frames
 * (docs/PROTOCOL.md, "Batched message frames").
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "../lib/server/app_env.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { configuredOrigins, isAllowedOrigin } from "../lib/server/origin.ts";
import { PROTOCOL_VERSION } from "../lib/common/protocol.ts";
import type { Services } from "../lib/server/services.ts";
import { refuseVersion, upgradeToChat } from "../lib/realtime/ws_handler.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { HeldEvents } from "../lib/realtime/held_events.ts";

/** The path of the chat WebSocket. */
export const SOCKET_PATH = "/ws";

/**
 * Whether `request` is a `GET` of {@linkcode SOCKET_PATH} (with or without a query), read from
 * the URL string without parsing it: every request of the node asks.
 *
 * @example
 * ```ts
 * isSocketRequest(new Request("http://chat.example/ws?v=2")); // true
 * isSocketRequest(new Request("http://chat.example/ws/x")); // false
 * ```
 */
export function isSocketRequest(request: Request): boolean {
  if (request.method !== "GET") return false;
  const url = request.url;
  // A request URL is absolute: its path starts at the first "/" after "scheme://".
  const path = url.indexOf("/", url.indexOf("//") + 2);
  if (path === -1 || !url.startsWith(SOCKET_PATH, path)) return false;
  const end = path + SOCKET_PATH.length;
  return end === url.length || url[end] === "?";
}

/**
 * What the socket route does around its checks, in place of the main app's middlewares
 * (`readSession` and `logRequest` of `lib/server/middleware/`).
 */
export interface SocketRouteSteps {
  /**
   * Reads the session cookie (with the friend digest and the lists' marks) into `c.var`,
   * calling `beforeMarks` with the user's id just before the marks are read.
   */
  readSession: (c: Context<AppEnv>, beforeMarks: (userId: string) => void) => Promise<void>;
  /**
   * Writes the request's log line (undefined `response`: it failed), `start` being
   * `performance.now()` at its arrival.
   */
  logRequest: (c: Context<AppEnv>, response: Response | undefined, start: number) => void;
}

/**
 * Handler of the WebSocket endpoint, the socket app's one route. It logs the request, reads
 * the session and checks the request itself, without middlewares: Hono then calls it directly,
 * without composing a chain (a closure, a promise and an async frame per middleware on every
 * connect; BENCHMARKS.md, "Connect storm and idle memory, round six"). The request id is made
 * here (an incoming `X-Request-Id` is ignored) and logged; a refusal carries it, an upgrade
 * response stays untouched.
 *
 * The hub holds the user's events from just before the session read fetches the lists' marks
 * (`Hub.hold`) and the upgraded socket sends them after its `welcome`: a change
 * committed during the upgrade's round trip is in the marks or in an event, never lost. A
 * request refused (or failed) lets the hold go.
 */
export function wsHandler(
  services: Pick<Services, "config" | "connectionLimiter" | "connection" | "sendBudget">,
  steps: SocketRouteSteps,
): (c: Context<AppEnv>) => Promise<Response> {
  const check = socketChecks(services);
  const hub = services.connection.hub;
  return async function ws(c: Context<AppEnv>): Promise<Response> {
    const start = performance.now();
    c.set("requestId", crypto.randomUUID());
    // A failed session read is answered 500 by Hono's error handler, and logged so here.
    let response: Response | undefined;
    const holding: Holding = { held: undefined };
    try {
      await steps.readSession(c, (userId) => {
        // A wrong user hint is followed by a second read, for the session's user.
        if (holding.held) hub.release(holding.held);
        holding.held = hub.hold(userId);
      });
      return response = check(c, holding);
    } finally {
      // Still here: no socket took it.
      if (holding.held) hub.release(holding.held);
      steps.logRequest(c, response, start);
    }
  };
}

/** The hub's hold of the user's events for this request, until a socket takes it. */
interface Holding {
  held: HeldEvents | undefined;
}

/**
 * The checks of a socket request once its session is read, then the upgrade, which takes the
 * hold (and empties `holding`).
 */
function socketChecks(
  services: Pick<Services, "config" | "connectionLimiter" | "connection" | "sendBudget">,
): (c: Context<AppEnv>, holding: Holding) => Response {
  // With PUBLIC_URL set, the Origin is checked against it, never against the Host header.
  const origins = configuredOrigins(services.config);
  return function checkSocket(c: Context<AppEnv>, holding: Holding): Response {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return refusalResponse(c, refusal(426, "refusal.expectedWebSocket"));
    }
    // Shutting down: the client retries with backoff and reaches the restarted server.
    if (services.connection.drain?.closing) {
      return refusalResponse(c, refusal(503, "refusal.shuttingDown"));
    }
    if (!isAllowedOrigin(c.req.header("origin"), c.req.url, origins)) {
      return refusalResponse(c, refusal(403, "refusal.originNotAllowed"));
    }
    const { user, session, friends, listMarks } = c.var;
    if (!user || !session) return refusalResponse(c, refusal(401, "refusal.notSignedIn"));
    if (c.req.query("v") !== String(PROTOCOL_VERSION)) return refuseVersion(c.req.raw);
    const release = services.connectionLimiter.acquire(user.id, clientAddress(c));
    if (!release) return refusalResponse(c, refusal(429, "refusal.tooManyConnections"));
    const upgraded = upgradeToChat(
      c.req.raw,
      user,
      session,
      services.connection,
      services.config.limits,
      release,
      services.sendBudget,
      { friends, listMarks, batches: c.req.query("batch") === "1", held: holding.held },
    );
    holding.held = undefined;
    return upgraded;
  };
}
