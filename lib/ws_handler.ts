/**
 * The WebSocket transport: the only code that knows `Deno.upgradeWebSocket`. It hands raw
 * frames to a {@linkcode ChatConnection} and guards the socket's send buffer: a client that
 * stops reading is closed instead of making the server buffer without limit.
 *
 * Deno counts a send in `bufferedAmount` at once and subtracts it only when the background
 * write finishes, so a burst sent in one turn reads as buffered even to a fast reader. A socket
 * is therefore closed only when its buffer stays over the soft bound for a grace period, or
 * passes the hard bound. A resume replay waits for the buffer to drain between messages.
 *
 * @module
 */
import type { PublicUser } from "./api_types.ts";
import { ChatConnection, type ConnectionDeps } from "./connection.ts";
import type { Limits } from "./config.ts";
import type { Session } from "./sessions.ts";

/** While a socket keeps up, its buffer is looked at once per this many sends. */
const CHECK_EVERY_SENDS = 8;

/**
 * A replay sends its next message once the socket's unsent bytes fall under this share of
 * `slowConsumerBytes`, so catching up never counts as lagging.
 */
const LOW_WATER_SHARE = 0.5;
/** Deno's WebSocket has no drain event: a waiting replay looks at the buffer this often. */
const DRAIN_POLL_MS = 10;

/** Send-buffer bounds of a socket (from the configured limits). */
export type SendBufferLimits = Pick<
  Limits,
  "slowConsumerBytes" | "slowConsumerGraceMs" | "maxBufferedBytes"
>;
/** Close code for a slow consumer. */
export const CLOSE_SLOW_CONSUMER = 4008;

/**
 * Upgrades an authenticated request to a chat WebSocket. The caller has checked the session,
 * the Origin and the protocol version.
 */
export function upgradeToChat(
  request: Request,
  user: PublicUser,
  session: Session,
  deps: ConnectionDeps,
  limits: SendBufferLimits,
  onClose: () => void = () => {},
): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    connection.closed();
    onClose();
  };
  let laggingSince: number | undefined;
  let sendsSinceCheck = 0;
  /** Looks at the send buffer; closes a socket that lags too much or too long. */
  const keepsUp = (): boolean => {
    const buffered = socket.bufferedAmount;
    if (buffered <= limits.slowConsumerBytes) {
      laggingSince = undefined;
      return true;
    }
    const now = deps.clock.now();
    laggingSince ??= now;
    if (buffered <= limits.maxBufferedBytes && now - laggingSince <= limits.slowConsumerGraceMs) {
      return true;
    }
    socket.close(CLOSE_SLOW_CONSUMER, "slow consumer: too much unsent data");
    // A client that does not read will not answer the close either: forget it now.
    release();
    return false;
  };
  const lowWater = limits.slowConsumerBytes * LOW_WATER_SHARE;
  const connection = new ChatConnection(user, session, {
    send(frame) {
      if (socket.readyState !== WebSocket.OPEN) return;
      // Reading bufferedAmount is a call into the runtime: look every few sends while the
      // socket keeps up, on every send once it lags.
      if (laggingSince === undefined && ++sendsSinceCheck < CHECK_EVERY_SENDS) {
        return socket.send(frame);
      }
      sendsSinceCheck = 0;
      if (keepsUp()) socket.send(frame);
    },
    whenWritable() {
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount <= lowWater) return;
      return new Promise((resolve) => {
        const poll = setInterval(() => {
          if (
            socket.readyState !== WebSocket.OPEN || !keepsUp() || socket.bufferedAmount <= lowWater
          ) {
            clearInterval(poll);
            resolve();
          }
        }, DRAIN_POLL_MS);
      });
    },
    close(code, reason) {
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    },
  }, deps);
  socket.onopen = () => connection.open();
  socket.onmessage = (event) => connection.receive(event.data);
  socket.onclose = release;
  socket.onerror = () => {};
  return response;
}
