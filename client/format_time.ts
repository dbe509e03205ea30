/**
 * Formats a message time as `HH:MM` (24-hour, local time zone), for the message list.
 *
 * @example
 * ```ts
 * formatTime(new Date(2024, 0, 2, 9, 5).getTime()); // "09:05"
 * ```
 *
 * @param at Milliseconds since the epoch.
 * @returns Hours and minutes, zero-padded.
 */
export function formatTime(at: number): string {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Formats a message time in full (weekday, date and time in the user's locale), for the
 * `title` tooltip of a timestamp.
 *
 * @param at Milliseconds since the epoch.
 * @returns The localized date and time.
 */
export function formatFullDate(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "full", timeStyle: "medium" });
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
