import type { ComponentType } from "preact";
import type { IconNode } from "lucide";
import Icon from "./Icon.tsx";
import { Copy, Flag, Link, Pencil, Reply, SmilePlus, Trash } from "./icons.ts";
import { useI18n } from "./i18n_context.ts";

/** The few emoji offered in the menu itself; the full picker is behind "more". */
export const QUICK_EMOJI: readonly string[] = ["👍", "❤️", "😂", "🎉", "😮"];

/**
 * A full emoji picker that the menu opens for "more emoji" (the "format" feature provides it,
 * loaded lazily). It calls `onPick` with one emoji, or `onClose` when dismissed.
 */
export type EmojiPickerComponent = ComponentType<
  { onPick: (emoji: string) => void; onClose: () => void }
>;

/** What the menu may do; an absent handler hides its button. */
export interface MessageMenuActions {
  onReact: (emoji: string) => void;
  /** Opens the full emoji picker; absent until a picker is plugged in. */
  onMoreEmoji?: () => void;
  onReply: () => void;
  onEdit?: () => void;
  onDelete?: () => void;
  onCopyText: () => void;
  onCopyLink: () => void;
  /** Reports the message to the administrator (someone else's messages only). */
  onReport?: () => void;
}

/** Props of {@linkcode MessageMenu}. */
export interface MessageMenuProps extends MessageMenuActions {
  /** The author's name, naming the toolbar. */
  author: string;
}

/**
 * A message's actions as a toolbar: quick reactions, more emoji, reply, edit, delete, copy
 * text, copy link and report. Shown on hover, on keyboard focus inside the message, and after a
 * long press on touch; every button has a name and a tooltip.
 */
export default function MessageMenu(props: MessageMenuProps) {
  const { t } = useI18n();
  const button = (label: string, icon: IconNode, onClick: () => void, testId: string) => (
    <button
      type="button"
      class="icon-button menu-button"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
    >
      <Icon icon={icon} size={16} />
    </button>
  );
  return (
    <div
      class="message-menu"
      role="toolbar"
      aria-label={t("menu.label", { author: props.author })}
      data-testid="message-menu"
    >
      {QUICK_EMOJI.map((emoji) => (
        <button
          type="button"
          class="icon-button menu-button emoji-button"
          aria-label={t("menu.react", { emoji })}
          title={t("menu.react", { emoji })}
          data-testid="quick-react"
          onClick={() => props.onReact(emoji)}
        >
          {emoji}
        </button>
      ))}
      {props.onMoreEmoji && button(t("menu.moreEmoji"), SmilePlus, props.onMoreEmoji, "more-emoji")}
      {button(t("menu.reply"), Reply, props.onReply, "menu-reply")}
      {props.onEdit && button(t("menu.edit"), Pencil, props.onEdit, "menu-edit")}
      {props.onDelete && button(t("menu.delete"), Trash, props.onDelete, "menu-delete")}
      {button(t("menu.copyText"), Copy, props.onCopyText, "menu-copy-text")}
      {button(t("menu.copyLink"), Link, props.onCopyLink, "menu-copy-link")}
      {props.onReport && button(t("menu.report"), Flag, props.onReport, "menu-report")}
    </div>
  );
}
