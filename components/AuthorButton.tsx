import type { ComponentChildren } from "preact";
import type { MessageGroup } from "../client/group_messages.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode AuthorButton}. */
export interface AuthorButtonProps {
  /** The message group whose author it names. */
  group: MessageGroup;
  /** Opens the author's profile card; absent: the children are shown as they are. */
  onAuthor: ((id: string, username: string) => void) | undefined;
  /** The author's shown name. */
  label: string;
  /** -1 for the avatar, so the keyboard meets one button per author. */
  tabIndex?: number;
  children: ComponentChildren;
}

/**
 * An author's name or avatar as a button opening their profile card (the avatar's is out of
 * the tab order: the name next to it is the same button for the keyboard); plain without
 * `onAuthor`.
 */
export default function AuthorButton(
  { group, onAuthor, label, tabIndex, children }: AuthorButtonProps,
) {
  const { t } = useI18n();
  if (!onAuthor) return <>{children}</>;
  return (
    <button
      type="button"
      class="author-button"
      data-testid="author-button"
      aria-label={tabIndex === -1 ? t("profileCard.open", { name: label }) : undefined}
      tabIndex={tabIndex}
      onClick={() => onAuthor(group.from, group.author)}
    >
      {children}
    </button>
  );
}
