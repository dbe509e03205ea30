/**
 * How the islands call the JSON HTTP API: {@linkcode request}, its answers and its errors. Every
 * failure is an {@linkcode ApiRequestError} whose message can be shown to the user as is. The
 * calls themselves are in the `*_api.ts` modules beside it (the rooms' in `room_calls_api.ts`).
 *
 * @module
 */
import type { ApiError } from "../lib/common/api_types.ts";
import type { RefusalCode } from "../lib/common/refusal.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";
import { LocalizedError } from "./localized_error.ts";

/**
 * A failed API call: an HTTP error answer, or no answer at all (`status` 0). Its text is the
 * server's message, or a message key when the browser wrote it.
 */
export class ApiRequestError extends LocalizedError {
  /** HTTP status, or 0 when the request did not reach the server. */
  readonly status: number;
  /** For 429 answers: seconds until a retry may succeed. */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @param message Text for the user.
   * @param status HTTP status, 0 for network errors.
   * @param retryAfterSeconds From the answer's `ApiError`, if given.
   */
  constructor(message: ShownText, status: number, retryAfterSeconds?: number) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Calls the JSON API with the session cookie (fetch's default `credentials`). `body` is sent as
 * JSON, or as it is when it is a `Blob` (with its type).
 *
 * The whole answer, body included, must arrive within `timeoutMs`: 30 s unless a test says
 * otherwise. Long enough for the slowest answer a healthy server gives (an account deletion that
 * deletes many messages, a password hash under load: seconds), short enough that a hung request
 * ends its spinner with a message instead of never.
 *
 * @returns The parsed answer (`undefined` for 204).
 * @throws {ApiRequestError} On an error answer, no answer (`error.network`) or none in time
 * (`error.timeout`), both with status 0.
 */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  const raw = body instanceof Blob;
  const unanswered = (): never => {
    throw new ApiRequestError({ key: signal.aborted ? "error.timeout" : "error.network" }, 0);
  };
  const response = await fetch(path, {
    method,
    headers: { accept: "application/json", "content-type": raw ? body.type : "application/json" },
    body: method === "GET" ? undefined : raw ? body : JSON.stringify(body ?? {}),
    signal,
  }).catch(unanswered);
  return await answer<T>(response, unanswered);
}

/**
 * Reads an API answer. A success whose body cannot be read calls `unanswered` (its request's
 * failure for no answer), or rejects as the read did.
 *
 * @returns The parsed JSON (`undefined` for 204).
 * @throws {ApiRequestError} On an error answer, with the server's message (by its code).
 */
export async function answer<T>(response: Response, unanswered?: () => never): Promise<T> {
  const { ok, status } = response;
  if (status === 204) return undefined as T;
  // A success must be read whole (a body cut off is no answer); an error's body is optional.
  const data: unknown = await response.json().catch(ok ? unanswered : () => null);
  if (ok) return data as T;
  const error = data as Partial<ApiError> | null;
  const retry = typeof error?.retryAfterSeconds === "number" ? error.retryAfterSeconds : undefined;
  // A refusal's code shows it in the reader's language; its English text is the fallback.
  const code = error?.code;
  const text: ShownText = typeof error?.error !== "string"
    ? { key: "error.requestFailed", params: { status } }
    : isRefusalCode(code)
    ? { key: code, params: error.params }
    : error.error;
  throw new ApiRequestError(text, status, retry);
}

function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === "string" && code.startsWith("refusal.");
}
