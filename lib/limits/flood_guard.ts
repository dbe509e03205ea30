/**
 * Refuses the same text posted again and again: a user may post one text to one room at most
 * `max` times within a window. A resend of the same clientId is not a repeat (it is the same
 * message, deduplicated by the store).
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";

/** How long identical texts are remembered. */
export const SAME_TEXT_WINDOW_MS = 10_000;

interface Repeat {
  text: string;
  /** The clientIds that sent it, at most `max`: a few, so a list beats a `Set`. */
  clientIds: string[];
  since: number;
}

/** Distinct recent texts remembered per (user, room). */
const TEXTS_PER_ROOM = 8;

/** Tracks the recent texts per (user, room). */
export class FloodGuard {
  #clock: Clock;
  #max: number;
  #recent = new Map<string, Repeat[]>();
  #sweptAt: number;

  /** Allows `max` identical texts per user and room within {@linkcode SAME_TEXT_WINDOW_MS}. */
  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
    this.#sweptAt = clock.now();
  }

  /** True when this send may go on; records it. Other texts in between do not reset the count. */
  allow(user: string, room: string, clientId: string, text: string): boolean {
    const now = this.#clock.now();
    if (now - this.#sweptAt > SAME_TEXT_WINDOW_MS) this.#sweep(now);
    const key = `${user}\u0000${room}`;
    // Oldest first (appended as they come), so the expired ones are a prefix: this runs once
    // per send, and filtering into a new array each time cost about 3 % of a small-room send.
    let recent = this.#recent.get(key);
    if (recent === undefined) this.#recent.set(key, recent = []);
    while (recent.length > 0 && now - recent[0]!.since > SAME_TEXT_WINDOW_MS) recent.shift();
    const same = recent.find((r) => r.text === text);
    if (!same) {
      recent.push({ text, clientIds: [clientId], since: now });
      if (recent.length > TEXTS_PER_ROOM) recent.shift();
      return true;
    }
    if (same.clientIds.includes(clientId)) return true;
    if (same.clientIds.length >= this.#max) return false;
    same.clientIds.push(clientId);
    return true;
  }

  /** Forgets every expired text, at most once per window, so memory follows active senders. */
  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [key, recent] of this.#recent) {
      const live = recent.filter((r) => now - r.since <= SAME_TEXT_WINDOW_MS);
      if (live.length === 0) this.#recent.delete(key);
      else this.#recent.set(key, live);
    }
  }
}
