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
 * Slices are paced by the clock, not by counting timer callbacks: a busy event loop fires each
 * tick late, and a round counted as 25 ticks then lasted 25 delays longer. On 2 loaded cores a
 * 1 s round took up to 2.6 s, longer than the two intervals of silence allowed, and peers that
 * had answered every ping were closed as silent (tests/browser_chat_test.ts lost its watching
 * socket that way).
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
  /** Clock time at which `#nextSlice` is due; unset until the first {@linkcode runDue}. */
  #nextDueAt: number | undefined;

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

  /**
   * Ticks every slice that has come due by the clock since the last call, in turn: one slice
   * per `intervalMs / HEARTBEAT_SLICES` of clock time, however late the call comes, so each
   * peer is pinged once per interval. After a pause of a whole interval or more, every slice
   * is ticked once and the schedule goes on from now. The first call ticks the first slice.
   */
  runDue(): void {
    const now = this.#clock.now();
    const sliceMs = this.#intervalMs / HEARTBEAT_SLICES;
    // No more than one round is owed (the oldest slice still due is one interval back), and a
    // clock set back does not stop the pings: the next slice is due within one slice of now.
    let dueAt = Math.min(
      Math.max(this.#nextDueAt ?? now, now - this.#intervalMs + sliceMs),
      now + sliceMs,
    );
    while (dueAt <= now) {
      this.tick(this.#nextSlice);
      this.#nextSlice = (this.#nextSlice + 1) % HEARTBEAT_SLICES;
      dueAt += sliceMs;
    }
    this.#nextDueAt = dueAt;
  }

  /** Starts a real timer that calls {@linkcode runDue} every `intervalMs / HEARTBEAT_SLICES`. */
  start(): void {
    this.#timer ??= setInterval(() => this.runDue(), this.#intervalMs / HEARTBEAT_SLICES);
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
