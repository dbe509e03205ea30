/**
 * How a caught failure is shown to the user, in the user's language.
 *
 * @module
 */
import { type ShownText, showText, type Translate } from "../lib/common/i18n/translate.ts";
import { LocalizedError } from "./localized_error.ts";
import { ApiRequestError } from "./rooms_api.ts";

/** What to show for a caught failure: a {@linkcode LocalizedError}'s text, else its message. */
export function shownTextOf(failure: unknown): ShownText {
  if (failure instanceof LocalizedError) return failure.text;
  return failure instanceof Error ? failure.message : String(failure);
}

/** A caught failure as text in the language of `t`; a 429 says when to try again. */
export function errorText(t: Translate, failure: unknown): string {
  const text = showText(t, shownTextOf(failure));
  const seconds = failure instanceof ApiRequestError ? failure.retryAfterSeconds : undefined;
  return seconds === undefined ? text : t("error.withRetry", { message: text, seconds });
}
