/**
 * The emoji picker: search, categories, skin tones and recently used, in a modal dialog. A lazy
 * chunk with its data (`client/emoji_data.ts`); import it through `emoji_picker_lazy.ts` so it
 * stays out of the first-load JS. Used by the composer, and by anything else that needs an emoji
 * (a reaction menu): it only calls `onPick`.
 *
 * @module
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Emoji, EMOJI_GROUPS, type EmojiSet, loadEmoji } from "../client/emoji_data.ts";
import {
  browserStorage,
  readRecent,
  readTone,
  rememberRecent,
  saveTone,
} from "../client/recent_emoji.ts";
import type { MessageKey } from "../lib/common/i18n/translate.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode EmojiPicker}. */
export interface EmojiPickerProps {
  /** Called with the picked emoji (in the chosen skin tone); the picker then closes itself. */
  onPick: (emoji: string) => void;
  /** Called on Escape, the close button or a click outside. */
  onClose: () => void;
}

const TONES = [0, 1, 2, 3, 4, 5] as const;
/** The swatch each tone button shows. */
const TONE_SWATCH = ["✋", "✋🏻", "✋🏼", "✋🏽", "✋🏾", "✋🏿"];
/** The emoji on each category tab. */
const GROUP_ICON: Record<number, string> = {
  0: "😀",
  1: "👋",
  3: "🐶",
  4: "🍎",
  5: "🚗",
  6: "⚽",
  7: "💡",
  8: "❤️",
  9: "🏁",
};

/** Picks an emoji; remembers it among the recently used and the skin tone chosen. */
export default function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const { t, locale } = useI18n();
  const [set, setSet] = useState<EmojiSet | null>(null);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState("");
  const storage = browserStorage();
  const [tone, setTone] = useState(() => readTone(storage));
  const recent = useMemo(() => readRecent(storage), []);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    loadEmoji(locale).then((found) => live && setSet(found), () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [locale]);

  const pick = (emoji: string) => {
    rememberRecent(storage, emoji);
    onPick(emoji);
  };
  const glyph = (emoji: Emoji) => tone > 0 && emoji.skins ? emoji.skins[tone - 1]! : emoji.unicode;
  const groupName = (group: number) => t(`emoji.group${group}` as MessageKey);

  const grid = (emojis: readonly Emoji[]) => (
    <div class="emoji-grid">
      {emojis.map((emoji) => {
        const shown = glyph(emoji);
        return (
          <button
            key={emoji.unicode}
            type="button"
            class="emoji-button"
            title={emoji.label}
            aria-label={emoji.label}
            data-emoji={shown}
            onClick={() => pick(shown)}
          >
            {shown}
          </button>
        );
      })}
    </div>
  );

  const found = set && query.trim() !== "" ? set.search(query) : null;
  const recentEmoji = set
    ? recent.flatMap((unicode) => {
      const known = set.all.find((e) => e.unicode === unicode || e.skins?.includes(unicode));
      return known ? [{ ...known, unicode, skins: undefined }] : [];
    })
    : [];

  return (
    <Dialog title={t("emoji.title")} onClose={onClose} testId="emoji-picker" class="emoji-dialog">
      <div class="emoji-tools">
        <input
          // Not type=search: there Escape clears the field instead of closing the picker.
          type="text"
          class="emoji-search"
          data-testid="emoji-search"
          aria-label={t("emoji.search")}
          placeholder={t("emoji.search")}
          value={query}
          onInput={(event) =>
            setQuery(event.currentTarget.value)}
        />
        <div class="emoji-tones" role="radiogroup" aria-label={t("emoji.skinTone")}>
          {TONES.map((value) => (
            <button
              key={value}
              type="button"
              role="radio"
              class="emoji-tone"
              aria-checked={tone === value}
              aria-label={t(`emoji.tone${value}`)}
              title={t(`emoji.tone${value}`)}
              onClick={() => {
                setTone(value);
                saveTone(storage, value);
              }}
            >
              {TONE_SWATCH[value]}
            </button>
          ))}
        </div>
      </div>
      {!found && set && (
        <nav class="emoji-tabs" aria-label={t("emoji.categories")}>
          {EMOJI_GROUPS.map((group) => (
            <button
              key={group}
              type="button"
              class="emoji-tab"
              title={groupName(group)}
              aria-label={groupName(group)}
              onClick={() =>
                scroller.current?.querySelector(`[data-group="${group}"]`)?.scrollIntoView()}
            >
              {GROUP_ICON[group]}
            </button>
          ))}
        </nav>
      )}
      <div class="emoji-scroll" ref={scroller} data-testid="emoji-scroll">
        {failed && <p class="error" role="alert">{t("emoji.loadFailed")}</p>}
        {!set && !failed && <p class="muted" role="status">{t("emoji.loading")}</p>}
        {found && (
          <section aria-label={t("emoji.results")}>
            {found.length > 0 ? grid(found) : <p class="muted">{t("emoji.noResults")}</p>}
          </section>
        )}
        {!found && set && (
          <>
            {recentEmoji.length > 0 && (
              <section>
                <h3 class="emoji-heading">{t("emoji.recent")}</h3>
                {grid(recentEmoji)}
              </section>
            )}
            {EMOJI_GROUPS.map((group) => (
              <section key={group} data-group={group}>
                <h3 class="emoji-heading">{groupName(group)}</h3>
                {grid(set.all.filter((emoji) => emoji.group === group))}
              </section>
            ))}
          </>
        )}
      </div>
    </Dialog>
  );
}
