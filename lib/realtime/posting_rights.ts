/**
 * Whether one connection's user may post (send, typing) in a room, remembered for a short
 * while so a busy sender does not cost KV reads per message. A change of rights (mute, kick,
 * unfriend) reaches every node as a broker notice that forgets the answer at once; the expiry
 * bounds how long a dropped notice can leave a stale answer.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";

/** How long an answer of "may post" is trusted without a notice, in clock milliseconds. */
export const POSTING_RIGHTS_TTL_MS = 10_000;

/**
 * Why a user may not post in a room: not a member; a member of a direct room whose two
 * members are no longer friends (they may still read it); muted.
 */
export type PostingRefusal = "not_member" | "not_friends" | "muted";

/** Reads the answer straight from the store: why the user may not post in `room`, if so. */
export type ReadPostingRefusal = (room: string) => Promise<PostingRefusal | undefined>;

/** One connection's answers to "may this user post in this room". */
export class PostingRights {
  #read: ReadPostingRefusal;
  #clock: Clock;
  /** Rooms where posting was allowed, and the clock time that was read. */
  #allowedAt = new Map<string, number>();
  /** Bumped by every notice, so an answer read across one is not remembered. */
  #generation = 0;

  /** Answers from `read`, remembered by `clock` time. */
  constructor(read: ReadPostingRefusal, clock: Clock) {
    this.#read = read;
    this.#clock = clock;
  }

  /**
   * Why the user may not post in `room` now, or undefined when they may. `fresh` reads the
   * store even when a recent answer is remembered (and remembers the new one).
   */
  async refusal(room: string, fresh = false): Promise<PostingRefusal | undefined> {
    const now = this.#clock.now();
    const allowedAt = this.#allowedAt.get(room);
    if (!fresh && allowedAt !== undefined && now - allowedAt < POSTING_RIGHTS_TTL_MS) {
      return undefined;
    }
    this.#allowedAt.delete(room);
    const generation = this.#generation;
    const refusal = await this.#read(room);
    if (refusal === undefined && generation === this.#generation) this.#allowedAt.set(room, now);
    return refusal;
  }

  /** Forgets the answer for `room`, or for every room when none is given. */
  changed(room?: string): void {
    this.#generation++;
    if (room === undefined) this.#allowedAt.clear();
    else this.#allowedAt.delete(room);
  }
}
