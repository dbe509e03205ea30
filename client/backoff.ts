/** Reconnect delay bounds for {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in milliseconds. */
  baseMs: number;
  /** Largest upper bound any delay can have, in milliseconds. */
  capMs: number;
}

/** The reconnect delays used unless a client is told otherwise: 500 ms doubling up to 15 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/**
 * Exponential backoff with full jitter: a delay drawn uniformly from
 * `[0, min(capMs, baseMs * 2 ** attempt))`, so that many clients dropped at once do not all
 * come back at the same moment.
 *
 * @example Third attempt, with a random number of 0.5
 * ```ts
 * backoffDelay(2, () => 0.5, { baseMs: 500, capMs: 15_000 }); // 1000
 * ```
 *
 * @param attempt How many reconnects failed in a row before this one (0 for the first).
 * @param random Uniform random numbers in [0, 1).
 * @param options The base and the cap.
 * @returns The delay in whole milliseconds.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
