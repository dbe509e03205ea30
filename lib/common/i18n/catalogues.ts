/**
 * Every catalogue by locale, and {@linkcode translator} for server code. The island bundle
 * does not import this module: the server passes the one catalogue a page needs in the
 * island's props.
 *
 * @module
 */
import { en } from "./en.ts";
import type { Locale } from "./locale.ts";
import { type Catalogue, createTranslator, type Translate } from "./translate.ts";
import { zhCN } from "./zh_cn.ts";

/** The catalogue of each locale. */
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, "zh-CN": zhCN };

/** The `t` of a locale, over its catalogue from {@linkcode CATALOGUES}. */
export function translator(locale: Locale): Translate {
  return createTranslator(locale, CATALOGUES[locale]);
}
