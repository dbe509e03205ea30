/**
 * A date and time in the UI language, for the lazily loaded parts that show one (search
 * results, invite links, the admin page); apart from `format_time.ts`, which is first-load JS.
 *
 * @module
 */
import type { Locale } from "../lib/common/i18n/locale.ts";

/**
 * Formats a date and time briefly (such as an invite link's expiry).
 *
 * @param at Milliseconds since the epoch.
 * @param locale The UI language.
 * @returns The localized short date and time.
 */
export function formatDateTime(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(at);
}
