/**
 * The emoji set for the picker and `:shortcode:` completion, from `emojibase-data` (labels and
 * keywords in the reader's language, GitHub shortcodes). A lazy chunk: about 100 KB gzipped, so
 * it is fetched on the first open of the picker or the first `:` + 2 letters in the composer.
 *
 * @module
 */
import type { Locale } from "../lib/common/i18n/locale.ts";

/** One emoji as the picker shows it. */
export interface Emoji {
  /** The emoji itself, with the default (yellow) skin. */
  unicode: string;
  /** Name in the reader's language, for the tooltip and the accessible name. */
  label: string;
  /** Index into {@linkcode EMOJI_GROUPS}. */
  group: number;
  /** GitHub shortcodes, without colons: `["smile"]`. */
  shortcodes: string[];
  /** Lower-cased label, keywords and shortcodes, for search. */
  terms: string;
  /** The five skin tones, light to dark, when the emoji has them. */
  skins?: string[];
}

/** Emojibase group numbers shown as picker categories, in order (2 is skin-tone components). */
export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;

interface RawEmoji {
  unicode: string;
  label: string;
  hexcode: string;
  group?: number;
  order?: number;
  tags?: string[];
  skins?: { unicode: string }[];
}

/** Everything the picker and completion need. */
export interface EmojiSet {
  /** Every emoji of a shown group, in Unicode order. */
  all: Emoji[];
  /** Emojis whose label, keywords or shortcodes contain every word of `query`. */
  search(query: string, limit?: number): Emoji[];
  /** Shortcodes starting with `prefix` (lower case), shortest first, with their emoji. */
  completions(prefix: string, limit?: number): { code: string; emoji: Emoji }[];
}

const sets = new Map<Locale, Promise<EmojiSet>>();

/**
 * Loads (once per language) the emoji set: Chinese labels and keywords for `zh-CN`, English
 * otherwise; shortcodes are GitHub's in both.
 *
 * @example
 * ```ts
 * const emoji = await loadEmoji("en");
 * emoji.completions("smi")[0]; // { code: "smile", emoji: { unicode: "😄", … } }
 * ```
 */
export function loadEmoji(locale: Locale): Promise<EmojiSet> {
  let set = sets.get(locale);
  if (!set) {
    set = build(locale);
    sets.set(locale, set);
    set.catch(() => sets.delete(locale));
  }
  return set;
}

async function build(locale: Locale): Promise<EmojiSet> {
  const [data, codes] = await Promise.all([
    locale === "zh-CN"
      ? import("emojibase-data/zh/compact.json", { with: { type: "json" } })
      : import("emojibase-data/en/compact.json", { with: { type: "json" } }),
    import("emojibase-data/en/shortcodes/github.json", { with: { type: "json" } }),
  ]);
  return emojiSet(data.default as RawEmoji[], codes.default as Record<string, string | string[]>);
}

/**
 * Builds an {@linkcode EmojiSet} from emojibase's compact data and a shortcode table (exported
 * for tests, which pass small tables).
 */
export function emojiSet(raw: RawEmoji[], codes: Record<string, string | string[]>): EmojiSet {
  const shown = new Set<number>(EMOJI_GROUPS);
  const all: Emoji[] = raw
    .filter((e) => e.group !== undefined && shown.has(e.group))
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((e) => {
      const code = codes[e.hexcode];
      const shortcodes = code === undefined ? [] : Array.isArray(code) ? code : [code];
      const emoji: Emoji = {
        unicode: e.unicode,
        label: e.label,
        group: e.group!,
        shortcodes,
        terms: [e.label, ...(e.tags ?? []), ...shortcodes].join(" ").toLowerCase(),
      };
      if (e.skins?.length === 5) emoji.skins = e.skins.map((skin) => skin.unicode);
      return emoji;
    });
  const byCode = all.flatMap((emoji) => emoji.shortcodes.map((code) => ({ code, emoji })))
    .sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  return {
    all,
    search(query, limit = 200) {
      const words = query.toLowerCase().split(/\s+/).filter((word) => word !== "");
      if (words.length === 0) return [];
      return all.filter((emoji) => words.every((word) => emoji.terms.includes(word)))
        .slice(0, limit);
    },
    completions(prefix, limit = 8) {
      const lower = prefix.toLowerCase();
      return byCode.filter(({ code }) => code.startsWith(lower)).slice(0, limit);
    },
  };
}
