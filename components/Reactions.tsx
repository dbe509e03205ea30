import type { Reaction } from "../lib/common/protocol.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode Reactions}. */
export interface ReactionsProps {
  reactions: readonly Reaction[];
  /** The signed-in user: their own reactions are pressed. */
  userId: string;
  /** A display name for a user id (the stored username otherwise). */
  nameOf: (id: string, username: string) => string;
  /** Adds (`on`) or removes the user's reaction. */
  onToggle: (emoji: string, on: boolean) => void;
}

/**
 * The reactions under a message: a chip per emoji with its count, pressed when the user
 * reacted with it; a click adds or removes the user's own. Hover or focus names who reacted.
 */
export default function Reactions({ reactions, userId, nameOf, onToggle }: ReactionsProps) {
  const { t, locale } = useI18n();
  const list = new Intl.ListFormat(locale, { type: "conjunction" });
  return (
    <div class="reactions" role="group" aria-label={t("reactions.label")}>
      {reactions.map(({ emoji, users }) => {
        const mine = users.some((user) => user.id === userId);
        const names = list.format(users.map((user) => nameOf(user.id, user.name)));
        const who = t("reactions.who", { emoji, names });
        return (
          <button
            type="button"
            class={mine ? "reaction-chip mine" : "reaction-chip"}
            aria-pressed={mine}
            title={who}
            data-testid="reaction"
            data-emoji={emoji}
            onClick={() => onToggle(emoji, !mine)}
          >
            {emoji}
            <span class="reaction-count" data-testid="reaction-count">{users.length}</span>
            <span class="visually-hidden">{names}</span>
          </button>
        );
      })}
    </div>
  );
}
