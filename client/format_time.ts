/**
 * Times and dates as the UI shows them, in the UI language, through `Intl`.
 *
 * @module
 */
import type { Locale } from "../lib/common/i18n/locale.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Formats a message time as hours and minutes (24-hour, local time zone), for the message
 * list.
 *
 * @example
 * ```ts
 * formatTime(new Date(2024, 0, 2, 9, 5).getTime(), "en"); // "09:05"
 * ```
 *
 * @param at Milliseconds since the epoch.
 * @param locale The UI language.
 * @returns Hours and minutes, zero-padded.
 */
export function formatTime(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(at);
}

/**
 * Formats a time in full (weekday, date and time), for the `title` tooltip of a timestamp.
 *
 * @param at Milliseconds since the epoch.
 * @param locale The UI language.
 * @returns The localized date and time.
 */
export function formatFullDate(at: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "medium" }).format(at);
}

/**
 * The time of a conversation's newest message in the list: the time today, "yesterday"
 * (through `Intl.RelativeTimeFormat`, so 昨天 in Chinese) for the day before, else the
 * short date.
 *
 * @example
 * ```ts
 * const now = new Date(2024, 0, 2, 12, 0).getTime();
 * formatShortTime(new Date(2024, 0, 1, 20, 0).getTime(), now, "en"); // "yesterday"
 * formatShortTime(new Date(2024, 0, 1, 20, 0).getTime(), now, "zh-CN"); // "昨天"
 * ```
 *
 * @param at Milliseconds since the epoch.
 * @param now The current time.
 * @param locale The UI language.
 * @returns A short label for the list.
 */
export function formatShortTime(at: number, now: number, locale: Locale): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / DAY_MS);
  if (days === 0) return formatTime(at, locale);
  if (days === 1) {
    return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-1, "day");
  }
  return new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" }).format(at);
}

function startOfDay(at: number): number {
  const date = new Date(at);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
