/**
 * Refuses the same text posted again and again: a user may post one text to one room at most
 * `max` times within a window. A resend of the same clientId is not a repeat (it is the same
 * message, deduplicated by the store).
 *
 * @module
 */
import type { Clock } from "./clock.ts";

/** How long identical texts are remembered. */
export const SAME_TEXT_WINDOW_MS = 10_000;

interface Repeat {
  text: string;
  clientIds: Set<string>;
  since: number;
}

/** Tracks the last text per (user, room). */
export class FloodGuard {
  #clock: Clock;
  #max: number;
  #last = new Map<string, Repeat>();

  /** Allows `max` identical texts per user and room within {@linkcode SAME_TEXT_WINDOW_MS}. */
  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
  }

  /** True when this send may go on; records it. */
  allow(user: string, room: string, clientId: string, text: string): boolean {
    const key = `${user}\u0000${room}`;
    const now = this.#clock.now();
    const last = this.#last.get(key);
    if (!last || last.text !== text || now - last.since > SAME_TEXT_WINDOW_MS) {
      // Forget whatever else expired, so memory follows the active senders only.
      if (this.#last.size > 10_000) this.#sweep(now);
      this.#last.set(key, { text, clientIds: new Set([clientId]), since: now });
      return true;
    }
    if (last.clientIds.has(clientId)) return true;
    if (last.clientIds.size >= this.#max) return false;
    last.clientIds.add(clientId);
    return true;
  }

  #sweep(now: number): void {
    for (const [key, repeat] of this.#last) {
      if (now - repeat.since > SAME_TEXT_WINDOW_MS) this.#last.delete(key);
    }
  }
}
