/**
 * Whether one connection's user may post (send, typing) in a room, remembered for a short
 * while so a busy sender does not cost KV reads per message. A change of rights (mute, kick,
 * unfriend) reaches every node as a broker notice that forgets the answer at once; the expiry
 * bounds how long a dropped notice can leave a stale answer.
 *
 * @module
 */
import type { Clock } from "./clock.ts";

/** How long an answer of "may post" is trusted without a notice, in clock milliseconds. */
export const POSTING_RIGHTS_TTL_MS = 10_000;

/** Why a user may not post in a room. */
export type PostingRefusal = "not_member" | "muted";

/** The reads behind an answer, each straight from the store. */
export interface PostingChecks {
  /** Whether the user is a member of the room. */
  isMember(room: string): Promise<boolean>;
  /** Whether a member may post at all (a direct room needs a current friendship). */
  canPost(room: string): Promise<boolean>;
  /** Whether the member is muted in the room. */
  isMuted(room: string): Promise<boolean>;
}

/** One connection's answers to "may this user post in this room". */
export class PostingRights {
  #checks: PostingChecks;
  #clock: Clock;
  /** Rooms where posting was allowed, and the clock time that was read. */
  #allowedAt = new Map<string, number>();
  /** Bumped by every notice, so an answer read across one is not remembered. */
  #generation = 0;

  /** Answers from `checks`, remembered by `clock` time. */
  constructor(checks: PostingChecks, clock: Clock) {
    this.#checks = checks;
    this.#clock = clock;
  }

  /** Why the user may not post in `room` now, or undefined when they may. */
  async refusal(room: string): Promise<PostingRefusal | undefined> {
    const now = this.#clock.now();
    const allowedAt = this.#allowedAt.get(room);
    if (allowedAt !== undefined && now - allowedAt < POSTING_RIGHTS_TTL_MS) return undefined;
    this.#allowedAt.delete(room);
    const generation = this.#generation;
    if (!await this.#checks.isMember(room) || !await this.#checks.canPost(room)) {
      return "not_member";
    }
    if (await this.#checks.isMuted(room)) return "muted";
    if (generation === this.#generation) this.#allowedAt.set(room, now);
    return undefined;
  }

  /** Forgets the answer for `room`, or for every room when none is given. */
  changed(room?: string): void {
    this.#generation++;
    if (room === undefined) this.#allowedAt.clear();
    else this.#allowedAt.delete(room);
  }
}
