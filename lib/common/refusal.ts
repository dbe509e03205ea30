/**
 * The one shape of an expected refusal: what every service returns when it says no (a room that
 * does not exist, a rule that forbids the action, a limit reached), and what the HTTP API sends
 * for it. Unexpected failures stay exceptions.
 *
 * @module
 */

/** HTTP statuses an expected refusal can carry. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 426 | 429;

/** A service's "no": the status the API answers with and a sentence for the person. */
export interface Refusal {
  ok: false;
  status: RefusalStatus;
  /** What went wrong, in words shown to the user. */
  error: string;
  /** For 429: when to try again; the API sends it as `Retry-After` and in the body. */
  retryAfterSeconds?: number;
}

/**
 * What a service call gives back: `{ ok: true, ...value }` or a {@linkcode Refusal}.
 *
 * @example
 * ```ts
 * async function rename(): Promise<Outcome<{ room: RoomSummary }>> { ... }
 * ```
 */
// deno-lint-ignore ban-types
export type Outcome<T extends object = {}> = ({ ok: true } & T) | Refusal;

/**
 * Builds a {@linkcode Refusal}.
 *
 * @example
 * ```ts
 * const NO_SUCH_ROOM = refusal(404, "No such room");
 * ```
 *
 * @param status The HTTP status the API answers with.
 * @param error The sentence shown to the user.
 * @returns The refusal.
 */
export function refusal(status: RefusalStatus, error: string): Refusal {
  return { ok: false, status, error };
}
