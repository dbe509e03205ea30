/**
 * A server {@linkcode Clock} for tests: time stands still until the test moves it, so rate
 * limits and heartbeats are checked at exact instants without sleeping.
 *
 * @module
 */
import type { Clock } from "../../lib/common/clock.ts";

/** A {@linkcode Clock} whose time moves only through {@linkcode FakeClock.advance}. */
export class FakeClock implements Clock {
  #now: number;

  /** Starts at `start` milliseconds since the epoch. */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current fake time, in milliseconds since the epoch. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` milliseconds (must not be negative). */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError("FakeClock cannot move backwards");
    this.#now += ms;
  }
}
