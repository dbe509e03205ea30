/**
 * The languages the UI speaks, and the choice of one from a browser's `Accept-Language`.
 *
 * @module
 */

/** A language the UI has a catalogue for; also the value of `<html lang>`. */
export type Locale = "en" | "zh-CN";

/** Every {@linkcode Locale}, the default first. */
export const LOCALES: readonly Locale[] = ["en", "zh-CN"];

/** The language used when nothing the browser asks for is available. */
export const DEFAULT_LOCALE: Locale = "en";

/** Whether `value` is one of the {@linkcode LOCALES} (for values read from storage or JSON). */
export function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

/**
 * Picks the UI language from an `Accept-Language` header: the listed language with the
 * highest q-value that we have (ties: the earlier one). Every Chinese tag (`zh`, `zh-CN`,
 * `zh-Hans`, `zh-SG`, and also `zh-TW`/`zh-HK`, for which Simplified Chinese is the closest
 * we have) gives `zh-CN`; every English tag gives `en`; `*`, nothing usable or no header: `en`.
 *
 * @example
 * ```ts
 * negotiateLocale("zh-CN,zh;q=0.9,en;q=0.8"); // "zh-CN"
 * negotiateLocale("fr, en;q=0.5"); // "en"
 * ```
 *
 * @param acceptLanguage The header's value, or null when absent.
 * @returns The locale to render in.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  let best: { locale: Locale; q: number } | undefined;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...options] = part.trim().split(";");
    const locale = localeOfTag(tag.trim());
    if (!locale) continue;
    const q = qValue(options);
    if (q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

function localeOfTag(tag: string): Locale | undefined {
  const language = tag.toLowerCase().split("-")[0];
  if (language === "zh") return "zh-CN";
  if (language === "en") return "en";
  return undefined;
}

function qValue(options: string[]): number {
  for (const option of options) {
    const [name, value] = option.trim().split("=");
    if (name?.trim() !== "q") continue;
    const q = Number(value);
    return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
  }
  return 1;
}
