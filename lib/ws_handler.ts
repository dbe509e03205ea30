/**
 * The WebSocket transport: the only code that knows `Deno.upgradeWebSocket`. It hands raw
 * frames to a {@linkcode ChatConnection} and guards the socket's send buffer: a client that
 * stops reading is closed instead of making the server buffer without limit.
 *
 * @module
 */
import type { PublicUser } from "./api_types.ts";
import { ChatConnection, type ConnectionDeps } from "./connection.ts";
import type { Session } from "./sessions.ts";

/** A socket whose unsent data passes this many bytes is closed as a slow consumer. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
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
  onClose: () => void = () => {},
): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  const connection = new ChatConnection(user, session, {
    send(frame) {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(CLOSE_SLOW_CONSUMER, "slow consumer: too much unsent data");
        return;
      }
      socket.send(frame);
    },
    close(code, reason) {
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    },
  }, deps);
  socket.onopen = () => connection.open();
  socket.onmessage = (event) => connection.receive(event.data);
  socket.onclose = () => {
    connection.closed();
    onClose();
  };
  socket.onerror = () => {};
  return response;
}
