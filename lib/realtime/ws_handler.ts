/**
 * The WebSocket transport: the only code that knows `Deno.upgradeWebSocket`. It hands raw
 * frames to a {@linkcode ChatConnection} and guards the socket's send buffer: a client that
 * stops reading is closed instead of making the server buffer without limit.
 *
 * Deno counts a send in `bufferedAmount` at once and subtracts it only when the background
 * write finishes, so a burst sent in one turn reads as buffered even to a fast reader. A socket
 * is therefore closed only when its buffer stays over the soft bound for a grace period, or
 * passes the hard bound, or when the node's {@linkcode SendBudget} for all sockets together is
 * spent and it is among the furthest behind. A resume replay waits for the buffer to drain
 * between messages.
 *
 * @module
 */
import type { PublicUser } from "../common/api_types.ts";
import {
  ChatConnection,
  type ConnectionDeps,
  type ConnectionStart,
  type Transport,
} from "./connection.ts";
import type { Limits } from "../server/config.ts";
import type { Session } from "../accounts/sessions.ts";
import { CLOSE_VERSION_MISMATCH, encodeServerFrame, PROTOCOL_VERSION } from "../common/protocol.ts";
import { type BudgetedSocket, SendBudget } from "./send_budget.ts";

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
 * The socket events a {@linkcode SocketTransport} handles. An error of an open socket is
 * always followed by "close", which releases it; an upgrade that fails (the client went away
 * before it completed) dispatches "error" alone, and is released then: "error" is listened to
 * only until "open".
 */
const SOCKET_EVENTS = ["open", "message", "close", "error"] as const;

/** A budget no node reaches: for callers that bound only each socket. */
const UNBOUNDED = new SendBudget(Number.MAX_SAFE_INTEGER);

/**
 * Upgrades an authenticated request to a chat WebSocket. The caller has checked the session,
 * the Origin and the protocol version. `budget` bounds the unsent bytes of all sockets of
 * the node together. `start` is what the session read brought (the friend digest, the lists'
 * marks), the hub's hold of the user's events since that read, and whether the client asked
 * for batches ({@linkcode ConnectionStart}).
 */
export function upgradeToChat(
  request: Request,
  user: PublicUser,
  session: Session,
  deps: ConnectionDeps,
  limits: SendBufferLimits,
  onClose: () => void = () => {},
  budget: SendBudget = UNBOUNDED,
  start: ConnectionStart = {},
): Response {
  // No idle timeout: the heartbeat (heartbeat.ts) pings every peer and closes one silent for two
  // intervals (50 s by default; Deno's 30 s timeout closed a half-open socket after about 30 s).
  // Deno's timeout cancels and re-arms a timer on every frame received, about 4 % of the
  // JavaScript thread's busy time in rooms of two (BENCHMARKS.md, "Small rooms, round four").
  const { socket, response } = Deno.upgradeWebSocket(request, { idleTimeout: 0 });
  socket.binaryType = "arraybuffer";
  const transport = new SocketTransport(socket, limits, deps, onClose, budget);
  transport.connection = new ChatConnection(user, session, transport, deps, start);
  for (const type of SOCKET_EVENTS) socket.addEventListener(type, transport);
  return response;
}

/**
 * Upgrades a request that asked for another protocol version, only to say so: an `error`
 * frame with code `version_mismatch` (old clients show its message), then a close with
 * {@linkcode CLOSE_VERSION_MISMATCH} and reason `version_mismatch`, after which a current
 * client stops reconnecting and asks the user to reload.
 */
export function refuseVersion(request: Request): Response {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.addEventListener("open", () => {
    socket.send(encodeServerFrame({
      type: "error",
      code: "version_mismatch",
      message:
        `This page is out of date (the server speaks protocol v${PROTOCOL_VERSION}); reload it.`,
    }));
    socket.close(CLOSE_VERSION_MISMATCH, "version_mismatch");
  });
  return response;
}

/**
 * One socket's side of a {@linkcode ChatConnection}: sends with the send-buffer rules above,
 * and hands the socket's events to the connection. One object per socket, its methods on the
 * prototype (an idle server holds thousands of these).
 */
class SocketTransport implements Transport, BudgetedSocket {
  connection!: ChatConnection;
  #socket: WebSocket;
  #limits: SendBufferLimits;
  #deps: ConnectionDeps;
  #onClose: () => void;
  #budget: SendBudget;
  #released = false;
  #laggingSince: number | undefined;
  #sendsSinceCheck = 0;
  /** Unsent bytes at the last look plus what was sent since, as told to the budget. */
  #unsentEstimate = 0;

  constructor(
    socket: WebSocket,
    limits: SendBufferLimits,
    deps: ConnectionDeps,
    onClose: () => void,
    budget: SendBudget,
  ) {
    this.#socket = socket;
    this.#limits = limits;
    this.#deps = deps;
    this.#onClose = onClose;
    this.#budget = budget;
  }

  /** The socket's events (`addEventListener` with this object). */
  handleEvent(event: Event): void {
    switch (event.type) {
      case "open":
        // Needed only before: an idle socket keeps no listener it will not use.
        this.#socket.removeEventListener("error", this);
        return this.connection.open();
      case "message":
        return this.connection.receive((event as MessageEvent).data);
      case "close":
        return this.#release();
      case "error":
        return this.#release();
    }
  }

  send(frame: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // Reading bufferedAmount is a call into the runtime: look every few sends while the
    // socket keeps up, on every send once it lags.
    if (this.#laggingSince === undefined && ++this.#sendsSinceCheck < CHECK_EVERY_SENDS) {
      // Between looks, the budget counts each frame's length (a lower bound of its UTF-8
      // bytes): a few hundred sockets eight frames behind would otherwise go unseen.
      this.#budget.report(this, this.#unsentEstimate += frame.length);
      if (this.#released) return;
      return this.#socket.send(frame);
    }
    this.#sendsSinceCheck = 0;
    if (this.#keepsUp()) this.#socket.send(frame);
  }

  whenWritable(): Promise<void> | undefined {
    const lowWater = this.#limits.slowConsumerBytes * LOW_WATER_SHARE;
    const socket = this.#socket;
    if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount <= lowWater) return;
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (
          socket.readyState !== WebSocket.OPEN || !this.#keepsUp() ||
          socket.bufferedAmount <= lowWater
        ) {
          clearInterval(poll);
          resolve();
        }
      }, DRAIN_POLL_MS);
    });
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
  }

  unsentBytes(): number {
    return this.#socket.readyState === WebSocket.OPEN ? this.#socket.bufferedAmount : 0;
  }

  evict(): void {
    this.#deps.metrics?.slowConsumerClosed("node_budget");
    this.#socket.close(CLOSE_SLOW_CONSUMER, "slow consumer: the server's send budget is spent");
    this.#release();
  }

  /**
   * Looks at the send buffer and tells the budget (which may close this socket or others);
   * closes a socket that lags too much or too long.
   */
  #keepsUp(): boolean {
    const buffered = this.#unsentEstimate = this.#socket.bufferedAmount;
    this.#budget.report(this, buffered);
    if (this.#released) return false;
    if (buffered <= this.#limits.slowConsumerBytes) {
      this.#laggingSince = undefined;
      return true;
    }
    const now = this.#deps.clock.now();
    this.#laggingSince ??= now;
    if (
      buffered <= this.#limits.maxBufferedBytes &&
      now - this.#laggingSince <= this.#limits.slowConsumerGraceMs
    ) {
      return true;
    }
    this.#deps.metrics?.slowConsumerClosed("lagging");
    this.#socket.close(CLOSE_SLOW_CONSUMER, "slow consumer: too much unsent data");
    // A client that does not read will not answer the close either: forget it now.
    this.#release();
    return false;
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#budget.forget(this);
    this.connection.closed();
    this.#onClose();
  }
}
