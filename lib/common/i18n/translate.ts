/**
 * Message lookup: {@linkcode createTranslator} turns a locale's catalogue into `t(key,
 * params)`. Browser-safe and catalogue-free (the catalogues are imported only as types here),
 * so the island bundle carries only the catalogue the server put in its props.
 *
 * @module
 */
import type { en } from "./en.ts";
import type { Locale } from "./locale.ts";

/** A plural entry: one string per `Intl.PluralRules` category the language uses. */
export type PluralEntry = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** One catalogue value: a string with `{name}` placeholders, or a plural entry. */
export type CatalogueEntry = string | PluralEntry;

/** Every message key (the English catalogue's keys): a typo is a type error. */
export type MessageKey = keyof typeof en;

/** The keys whose entry is a plural: `t()` needs a `count` for them. */
export type PluralKey = {
  [K in MessageKey]: (typeof en)[K] extends string ? never : K;
}[MessageKey];

/** A catalogue: every key of English, plural where English is plural, nothing else. */
export type Catalogue = {
  readonly [K in MessageKey]: (typeof en)[K] extends string ? string : PluralEntry;
};

/** Values for placeholders; numbers are formatted for the locale. */
export type Params = Readonly<Record<string, string | number>>;

/**
 * Looks a message up and fills its placeholders. A plural key takes `{ count }` (chosen with
 * `Intl.PluralRules`, and usable as `{count}` in the text).
 */
export type Translate = <K extends MessageKey>(
  key: K,
  ...params: K extends PluralKey ? [params: Params & { count: number }] : [params?: Params]
) => string;

/**
 * Text to show that is either already readable (a string, such as a refusal the server sent)
 * or a message key to translate where it is shown (browser code without a `t`, such as
 * `ChatClient`). Read it with {@linkcode showText}.
 */
export type ShownText = string | { key: Exclude<MessageKey, PluralKey>; params?: Params };

/**
 * Makes the `t` of one locale.
 *
 * @example
 * ```ts
 * const t = createTranslator("en", en);
 * t("composer.placeholder", { room: "#lobby" }); // "Message #lobby"
 * t("auth.passwordRule", { count: 8 }); // "At least 8 characters"
 * ```
 *
 * @param locale Chooses the plural rules and the number format.
 * @param catalogue That locale's strings.
 * @returns The lookup; a placeholder without a value is left as `{name}`.
 */
export function createTranslator(locale: Locale, catalogue: Catalogue): Translate {
  const plurals = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const fill = (text: string, params: Params | undefined) =>
    params === undefined ? text : text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? numbers.format(value) : value;
    });
  return ((key: MessageKey, params?: Params) => {
    const entry: CatalogueEntry = catalogue[key];
    if (typeof entry === "string") return fill(entry, params);
    const count = Number(params?.count);
    return fill(entry[plurals.select(count)] ?? entry.other, params);
  }) as Translate;
}

/** The text of a {@linkcode ShownText}: the string itself, or its key translated. */
export function showText(t: Translate, text: ShownText): string {
  return typeof text === "string" ? text : t(text.key, text.params);
}
