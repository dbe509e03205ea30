/**
 * The one fake clock of the test suites, server and browser alike: time stands still until the
 * test moves it, and the timers it hands out fire only then, so heartbeats, backoff, rate limits
 * and presence delays are checked at exact instants without sleeping.
 *
 * It lives in `lib/common/` because both sides' tests use it and it is browser-safe (it imports
 * only the {@linkcode Clock} and {@linkcode Timers} types); server tests importing from
 * `client/`, or browser tests from `tests/helpers/`, would point a dependency the wrong way.
 *
 * @module
 */
import type { Clock, Timers } from "../clock.ts";

/** A pending timer: when it falls due and what it runs. */
interface FakeTimer {
  at: number;
  fn: () => void;
}

/**
 * A {@linkcode Clock} and {@linkcode Timers} whose time moves only through
 * {@linkcode FakeClock.advance}, which runs the timers that fall due in the order they fall due
 * (timers due at the same instant in the order they were set).
 *
 * @example Firing a timer
 * ```ts
 * const clock = new FakeClock();
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.now()), 100);
 * clock.advance(99); // nothing yet
 * clock.advance(1); // fired holds the start time + 100
 * ```
 */
export class FakeClock implements Clock, Timers {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  /** @param start The initial time, in milliseconds since the epoch. */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current fake time, in milliseconds since the epoch. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at `now() + ms`; returns a number id for {@linkcode FakeClock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + ms, fn });
    return id;
  }

  /** Cancels a timer; an unknown, already fired or `undefined` id is ignored. */
  clearTimeout(id: unknown): void {
    if (typeof id === "number") this.#timers.delete(id);
  }

  /** Delays of the timers still pending, from now, ascending. */
  get pending(): number[] {
    return [...this.#timers.values()].map((timer) => timer.at - this.#now).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by `ms` milliseconds (never backwards: a negative `ms` throws a
   * `RangeError`). Each timer due by then runs with `now()` set to its own due time; a timer
   * that a running timer sets runs too if it falls due within the same step.
   */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError("FakeClock cannot move backwards");
    const end = this.#now + ms;
    for (;;) {
      let due: [number, FakeTimer] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) due = entry;
      }
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
    }
    this.#now = end;
  }
}
