/**
 * The one shape of an expected refusal: what every service returns when it says no (a room that
 * does not exist, a rule that forbids the action, a limit reached), and what the HTTP API sends
 * for it. Unexpected failures stay exceptions.
 *
 * A refusal carries a message key of the catalogues (`refusal.…`) with its parameters, so each
 * reader sees it in their language, and the English text, so the API, logs and tests read the
 * same sentence as before codes existed.
 *
 * @module
 */
import { en } from "./i18n/en.ts";
import { createTranslator, type Params } from "./i18n/translate.ts";
import type { MessageKey } from "./i18n/translate.ts";

/** HTTP statuses an expected refusal can carry. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 426 | 429 | 503;

/** The catalogue keys of refusals. */
export type RefusalCode = Extract<MessageKey, `refusal.${string}`>;

/** A service's "no": the status the API answers with, and what to tell the person. */
export interface Refusal {
  ok: false;
  status: RefusalStatus;
  /** The catalogue key of the message, for the reader's language. */
  code: RefusalCode;
  /** Values of the message's placeholders. */
  params?: Params;
  /** The message in English. */
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

const english = createTranslator("en", en);

/**
 * Builds a {@linkcode Refusal}.
 *
 * @example
 * ```ts
 * const NO_SUCH_ROOM = refusal(404, "refusal.noSuchRoom");
 * refusal(400, "refusal.roomNameLength", { max: 64 }).error; // "Room name must be 1–64 characters"
 * ```
 *
 * @param status The HTTP status the API answers with.
 * @param code The message's catalogue key.
 * @param params Values of its placeholders (numbers are formatted for the reader's locale;
 *   pass a string where digit grouping would be wrong).
 * @returns The refusal.
 */
export function refusal(status: RefusalStatus, code: RefusalCode, params?: Params): Refusal {
  const error = english(code, params);
  return params === undefined
    ? { ok: false, status, code, error }
    : { ok: false, status, code, params, error };
}
