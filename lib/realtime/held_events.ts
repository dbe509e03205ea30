/**
 * What the hub delivers to a user while one of their sockets is on its way: from just before
 * the connect reads the lists' marks (in the session's `getMany`) until the socket opens and
 * is registered. A change committed in that window is not in the marks the `welcome` carries,
 * and its event went out before the socket was there; held, it goes out right after the
 * `welcome`, in the order the hub delivered it (`Hub.hold`, docs/PROTOCOL.md).
 *
 * @module
 */
import type { Peer } from "./hub.ts";

/**
 * Frames held for one socket at most. The window is one round trip of the upgrade; a user
 * with more events than this in it gets the socket closed right after the `welcome`, with
 * {@linkcode CLOSE_TRY_AGAIN}, and reads their lists again on the reconnect.
 */
export const HELD_FRAMES_MAX = 256;
/** Close code when more than {@linkcode HELD_FRAMES_MAX} frames were held (1013, try again later). */
export const CLOSE_TRY_AGAIN = 1013;

/**
 * The frames for `userId` the hub sent while a socket of theirs was not registered yet, and
 * a close asked meanwhile (the account closed). It stands in the hub's user index as a
 * {@linkcode Peer} that has no room, no session and no posting rights to change: the
 * connection reads those once open.
 */
export class HeldEvents implements Peer {
  readonly userId: string;
  /** Never in the session index: a session's end is not held. */
  readonly sessionId = "";
  readonly sessionExpiresAt = Infinity;
  readonly lastSeenAt = 0;
  /** Made by the first frame: most connects are held for nothing. */
  #frames: string[] | undefined;
  #close: { code: number; reason: string } | undefined;

  /** Holds the frames for `userId`; made by `Hub.hold`. */
  constructor(userId: string) {
    this.userId = userId;
  }

  send(frame: string): void {
    if (this.#close) return;
    const frames = this.#frames ??= [];
    if (frames.length < HELD_FRAMES_MAX) frames.push(frame);
    else this.close(CLOSE_TRY_AGAIN, "too many events while connecting; reconnect");
  }

  whenWritable(): undefined {
    return undefined;
  }

  close(code: number, reason: string): void {
    this.#close ??= { code, reason };
  }

  roomRevoked(): void {}

  rightsChanged(): void {}

  /** Sends `peer` the frames held, in order, then the close asked meanwhile, if any. */
  replay(peer: Peer): void {
    const frames = this.#frames;
    this.#frames = undefined;
    if (frames) { for (const frame of frames) peer.send(frame); }
    if (this.#close) peer.close(this.#close.code, this.#close.reason);
  }
}
