/**
 * The one way components get their language: {@linkcode I18nContext}, provided by `Layout`'s
 * callers on the server and by the `ChatApp` island in the browser, read with
 * {@linkcode useI18n}.
 *
 * @module
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Locale } from "../lib/common/i18n/locale.ts";
import type { Translate } from "../lib/common/i18n/translate.ts";

/** What a component needs to speak the user's language. */
export interface I18n {
  /** The UI language, for `Intl` formats (dates, times). */
  locale: Locale;
  /** Looks up a message in that language's catalogue. */
  t: Translate;
}

/** The UI language of the tree below it; there is no default, so a missing provider throws. */
export const I18nContext = createContext<I18n | null>(null);

/**
 * The {@linkcode I18n} of the nearest provider.
 *
 * @example
 * ```tsx
 * const { t } = useI18n();
 * return <button>{t("composer.send")}</button>;
 * ```
 *
 * @throws {Error} When no `I18nContext.Provider` is above the component.
 */
export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error("useI18n(): no I18nContext.Provider above this component");
  return i18n;
}
