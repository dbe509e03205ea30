/**
 * The composer's completion of `@mentions` (room members) and `:shortcodes:` (emoji): which
 * suggestions show for the word at the caret, keyboard handling (arrows, Enter/Tab, Escape) and
 * the text after a pick. The emoji data is fetched the first time a `:` is followed by two
 * letters.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { completionAt, replaceRange } from "../client/composer_completion.ts";
import type { EmojiSet } from "../client/emoji_data.ts";
import type { MemberName } from "../client/room_members.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";

/** One suggestion. */
export interface Suggestion {
  key: string;
  /** What the list shows first: `@bob`, or the emoji. */
  label: string;
  /** What it shows after: a display name, or `:smile:`. */
  detail: string;
  /** What replaces the word. */
  insert: string;
}

/** Most suggestions listed. */
const MAX_SUGGESTIONS = 8;

let emojiModule: Promise<typeof import("../client/emoji_data.ts")> | undefined;

/** What {@linkcode useCompletion} gives the composer. */
export interface Completion {
  suggestions: Suggestion[];
  /** Index of the highlighted suggestion. */
  active: number;
  /** Handles a key in the box; true when it was for the list (then the box ignores it). */
  onKeyDown(event: KeyboardEvent): boolean;
  /** Applies suggestion `index`: the new text and caret. */
  pick(index: number): { text: string; caret: number } | undefined;
}

/**
 * Suggestions for the word at `caret` in `text`.
 *
 * @param members The room's members (read when a mention is typed).
 * @param onMentionStart Called when a mention starts, to refresh the member list.
 */
export function useCompletion(
  text: string,
  caret: number,
  locale: Locale,
  members: () => readonly MemberName[],
  onMentionStart: () => void,
  apply: (next: { text: string; caret: number }) => void,
): Completion {
  const [emoji, setEmoji] = useState<EmojiSet | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const token = completionAt(text, caret);
  const tokenKey = token ? `${token.kind}:${token.start}:${token.query}` : null;
  const mentionStart = token?.kind === "mention" ? token.start : null;

  useEffect(() => setActive(0), [tokenKey]);
  useEffect(() => {
    if (mentionStart !== null) onMentionStart();
  }, [mentionStart]);
  useEffect(() => {
    if (token?.kind !== "emoji" || emoji) return;
    let live = true;
    emojiModule ??= import("../client/emoji_data.ts");
    emojiModule.then((module) => module.loadEmoji(locale)).then(
      (set) => live && setEmoji(set),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [token?.kind, emoji]);

  let suggestions: Suggestion[] = [];
  if (token && tokenKey !== dismissed) {
    if (token.kind === "mention") {
      const query = token.query.toLowerCase();
      suggestions = members()
        .filter((m) =>
          m.name.toLowerCase().startsWith(query) || m.displayName.toLowerCase().includes(query)
        )
        .slice(0, MAX_SUGGESTIONS)
        .map((m) => ({
          key: m.id,
          label: `@${m.name}`,
          detail: m.displayName,
          insert: `@${m.name} `,
        }));
    } else if (emoji) {
      suggestions = emoji.completions(token.query, MAX_SUGGESTIONS).map(({ code, emoji }) => ({
        key: code,
        label: emoji.unicode,
        detail: `:${code}:`,
        insert: emoji.unicode,
      }));
    }
  }

  const pick = (index: number) => {
    const chosen = suggestions[index];
    if (!token || !chosen) return undefined;
    return replaceRange(text, token.start, token.end, chosen.insert);
  };

  return {
    suggestions,
    active: Math.min(active, Math.max(0, suggestions.length - 1)),
    pick,
    onKeyDown(event) {
      if (suggestions.length === 0 || event.isComposing) return false;
      const count = suggestions.length;
      switch (event.key) {
        case "ArrowDown":
          setActive((active + 1) % count);
          return true;
        case "ArrowUp":
          setActive((active - 1 + count) % count);
          return true;
        case "Enter":
        case "Tab": {
          if (event.shiftKey) return false;
          const next = pick(Math.min(active, count - 1));
          if (next) apply(next);
          return true;
        }
        case "Escape":
          setDismissed(tokenKey);
          return true;
        default:
          return false;
      }
    },
  };
}
