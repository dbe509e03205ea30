/**
 * "5 minutes ago", "yesterday", in the page's language, through `Intl.RelativeTimeFormat`.
 *
 * @module
 */

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["minute", 60_000],
  ["hour", 3_600_000],
  ["day", 86_400_000],
];

/** How long ago `at` was from `now`, in the largest unit that fits (at least one minute). */
export function relativeTime(locale: string, at: number, now = Date.now()): string {
  const ago = Math.max(0, now - at);
  let [unit, size] = STEPS[0]!;
  for (const step of STEPS) if (ago >= step[1]) [unit, size] = step;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  return format.format(-Math.max(1, Math.floor(ago / size)), unit);
}
