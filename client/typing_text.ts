import type { ShownText } from "../lib/common/i18n/translate.ts";

/** Beyond this many typists, names give way to "Several people are typing…". */
export const TYPING_NAMES_MAX = 3;

/**
 * What the typing indicator says for `names` (usernames or display names), in `locale`:
 * "Alice is typing…", "Alice and Bob are typing…" (joined by `Intl.ListFormat`), "Several
 * people are typing…", or null when nobody is.
 */
export function typingText(names: readonly string[], locale: string): ShownText | null {
  if (names.length === 0) return null;
  if (names.length > TYPING_NAMES_MAX) return { key: "typing.several" };
  const joined = new Intl.ListFormat(locale, { type: "conjunction" }).format(names);
  return { key: names.length === 1 ? "typing.one" : "typing.some", params: { names: joined } };
}
