/**
 * A recording's length or position as the timer and players show it: `m:ss`.
 *
 * @example
 * ```ts
 * formatDuration(3.4); // "0:03"
 * formatDuration(125); // "2:05"
 * ```
 *
 * @param seconds Seconds, rounded down; negative or not finite counts as 0.
 */
export function formatDuration(seconds: number): string {
  const whole = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}
