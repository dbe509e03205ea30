/**
 * Server-side liveness: once per interval each peer is pinged, and a peer that has sent nothing
 * (not even a pong) for two intervals is closed, so half-open TCP connections do not linger.
 * A socket whose session has expired is closed too.
 *
 * The running heartbeat spreads each round over {@linkcode HEARTBEAT_SLICES} ticks, a peer's
 * slice chosen by its session id: pinging every socket in one turn (and reading every pong
 * right after) held up message delivery for tens of milliseconds at each round, and the stall
 * grows with the number of sockets.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import { CLOSE_SESSION_ENDED, type Peer } from "./hub.ts";
import { encodeServerFrame } from "../common/protocol.ts";

/** Close code for a peer that stopped answering pings. */
export const CLOSE_HEARTBEAT_TIMEOUT = 4002;
const PING = encodeServerFrame({ type: "ping" });
/** Ticks per heartbeat interval; each pings the peers of one slice. */
export const HEARTBEAT_SLICES = 25;

/** Pings peers and drops silent ones. */
export class Heartbeat {
  #peers: () => Iterable<Peer>;
  #clock: Clock;
  #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #nextSlice = 0;

  /** Watches the peers returned by `peers`, pinging every `intervalMs` of `clock` time. */
  constructor(peers: () => Iterable<Peer>, clock: Clock, intervalMs: number) {
    this.#peers = peers;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /**
   * Closes the peers silent for two intervals and pings the rest: those of one slice
   * (`0` to `HEARTBEAT_SLICES - 1`), or every peer when `slice` is omitted.
   */
  tick(slice?: number): void {
    const now = this.#clock.now();
    const deadline = now - 2 * this.#intervalMs;
    for (const peer of [...this.#peers()]) {
      if (slice !== undefined && heartbeatSliceOf(peer) !== slice) continue;
      if (peer.sessionExpiresAt <= now) peer.close(CLOSE_SESSION_ENDED, "session expired");
      else if (peer.lastSeenAt < deadline) peer.close(CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout");
      else peer.send(PING);
    }
  }

  /** Starts ticking on a real timer, one slice every `intervalMs / HEARTBEAT_SLICES`. */
  start(): void {
    this.#timer ??= setInterval(() => {
      this.tick(this.#nextSlice);
      this.#nextSlice = (this.#nextSlice + 1) % HEARTBEAT_SLICES;
    }, this.#intervalMs / HEARTBEAT_SLICES);
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** Trailing characters of a session id hashed into its slice (ids are SHA-256 hex: uniform). */
const SLICE_KEY_CHARS = 8;

/**
 * The heartbeat slice of a peer, from the end of its session id (every socket of a session
 * shares it). Runs for every peer on every tick, so it reads only a few characters.
 */
function heartbeatSliceOf(peer: Pick<Peer, "sessionId">): number {
  const id = peer.sessionId;
  let hash = 0;
  for (let i = Math.max(0, id.length - SLICE_KEY_CHARS); i < id.length; i++) {
    hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  }
  return hash % HEARTBEAT_SLICES;
}
