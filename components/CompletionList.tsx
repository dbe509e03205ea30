import type { RefObject } from "preact";
import { useEffect, useId, useLayoutEffect } from "preact/hooks";
import type { MemberName } from "../client/room_members.ts";
import { useI18n } from "./i18n_context.ts";
import { useCompletion } from "./use_completion.ts";

/** Props of {@linkcode CompletionList}. */
export interface CompletionListProps {
  /** The composer's text and caret. */
  text: string;
  caret: number;
  /** The room's members, for `@mention` completion. */
  members: () => readonly MemberName[];
  /** Called when a mention starts, to refresh the members. */
  onMentionStart: () => void;
  /** Puts a pick into the composer: the new text and caret. */
  apply: (next: { text: string; caret: number }) => void;
  /** The message box: its `aria-controls` and `aria-activedescendant` follow the list. */
  box: RefObject<HTMLTextAreaElement | null>;
  /**
   * Where the list puts its key handler, which the box calls before its own (true: the key was
   * for the list, arrows, Enter or Tab on a pick, Escape); null while the list is not there.
   */
  keys: { current: ((event: KeyboardEvent) => boolean) | null };
}

/**
 * The composer's suggestions for the `@mention` or `:shortcode` at the caret (see
 * `use_completion.ts`), as a listbox under the box. A lazy part (`message_tools.ts`): the
 * composer works without it, and it arrives right after the first paint.
 */
export default function CompletionList(
  { text, caret, members, onMentionStart, apply, box, keys }: CompletionListProps,
) {
  const { t, locale } = useI18n();
  const listId = useId();
  const completion = useCompletion(text, caret, locale, members, onMentionStart, apply);
  const listOpen = completion.suggestions.length > 0;
  keys.current = completion.onKeyDown;
  useEffect(() => () => void (keys.current = null), []);
  useLayoutEffect(() => {
    const area = box.current;
    if (!area) return;
    setOrRemove(area, "aria-controls", listOpen ? listId : null);
    setOrRemove(area, "aria-activedescendant", listOpen ? `${listId}-${completion.active}` : null);
  });
  if (!listOpen) return null;
  return (
    <ul
      id={listId}
      class="suggestions"
      role="listbox"
      aria-label={t("composer.suggestions")}
      data-testid="suggestions"
    >
      {completion.suggestions.map((item, index) => (
        <li
          key={item.key}
          id={`${listId}-${index}`}
          role="option"
          aria-selected={index === completion.active}
          class={index === completion.active ? "suggestion active" : "suggestion"}
          onMouseDown={(event) => {
            event.preventDefault();
            const next = completion.pick(index);
            if (next) apply(next);
          }}
        >
          <span class="suggestion-label">{item.label}</span>
          <span class="suggestion-detail">{item.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function setOrRemove(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}
