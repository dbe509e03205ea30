/**
 * File sizes for people, in their language: `532 B`, `14 kB`, `4.8 MB` (Intl unit formatting,
 * binary multiples as the file managers of most systems show them).
 *
 * @module
 */
import type { Locale } from "../lib/common/i18n/locale.ts";

const UNITS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/** `bytes` with the largest unit that keeps the number at 1 or more, at most one decimal. */
export function formatBytes(bytes: number, locale: Locale): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).format(value);
}
