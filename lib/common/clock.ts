/** A source of the current time, injected where timing matters so tests can move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** One-shot timers, injected where a delay must be exact in tests. */
export interface Timers {
  /** Runs `fn` once after `ms` milliseconds; returns an id for {@linkcode Timers.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer; an unknown or `undefined` id is ignored. */
  clearTimeout(id: unknown): void;
}

/** The real timers. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout> | undefined),
};
