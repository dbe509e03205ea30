/**
 * Server-side liveness: on every tick each peer is pinged, and a peer that has sent nothing
 * (not even a pong) for two intervals is closed, so half-open TCP connections do not linger.
 * A socket whose session has expired is closed too.
 *
 * @module
 */
import type { Clock } from "./clock.ts";
import { CLOSE_SESSION_ENDED, type Peer } from "./hub.ts";
import { encodeServerFrame } from "./protocol.ts";

/** Close code for a peer that stopped answering pings. */
export const CLOSE_HEARTBEAT_TIMEOUT = 4002;
const PING = encodeServerFrame({ type: "ping" });

/** Pings peers and drops silent ones. */
export class Heartbeat {
  #peers: () => Iterable<Peer>;
  #clock: Clock;
  #intervalMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Watches the peers returned by `peers`, pinging every `intervalMs` of `clock` time. */
  constructor(peers: () => Iterable<Peer>, clock: Clock, intervalMs: number) {
    this.#peers = peers;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** One round: close the peers silent for two intervals, ping the rest. */
  tick(): void {
    const now = this.#clock.now();
    const deadline = now - 2 * this.#intervalMs;
    for (const peer of [...this.#peers()]) {
      if (peer.sessionExpiresAt <= now) peer.close(CLOSE_SESSION_ENDED, "session expired");
      else if (peer.lastSeenAt < deadline) peer.close(CLOSE_HEARTBEAT_TIMEOUT, "heartbeat timeout");
      else peer.send(PING);
    }
  }

  /** Starts ticking on a real timer. */
  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#intervalMs);
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
