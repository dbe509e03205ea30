import type { ComponentType } from "preact";
import type { IconNode } from "lucide";
import Icon from "./Icon.tsx";
import { Check, Copy, Flag, Link, Pencil, Reply, SmilePlus, Trash } from "./lazy_icons.ts";
import { useI18n } from "./i18n_context.ts";
import { type CopyState, useCopy } from "./use_copy.ts";

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
  /** The text "Copy text" puts on the clipboard. */
  copyText: string;
  /** The link "Copy link" puts on the clipboard (made when clicked). */
  copyLink: () => string;
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
 * long press on touch; every button has a name and a tooltip. A copy button shows a tick and
 * is named "Copied" (or "Copy failed") for a moment, and a status region announces it.
 */
export default function MessageMenu(props: MessageMenuProps) {
  const { t } = useI18n();
  const text = useCopy();
  const link = useCopy();
  const button = (
    label: string,
    icon: IconNode,
    onClick: () => void,
    testId: string,
    copied: CopyState = "idle",
  ) => (
    <button
      type="button"
      class={copied === "copied" ? "icon-button menu-button copied" : "icon-button menu-button"}
      aria-label={label}
      title={label}
      data-testid={testId}
      data-state={copied === "idle" ? undefined : copied}
      onClick={onClick}
    >
      <Icon icon={copied === "copied" ? Check : icon} size={16} />
    </button>
  );
  // The button's name says what happened for a moment: "Copied" by the tick, or "Copy failed".
  const copyLabel = (state: CopyState, idle: string) =>
    state === "copied" ? t("common.copied") : state === "failed" ? t("common.copyFailed") : idle;
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
      {button(
        copyLabel(text.state, t("menu.copyText")),
        Copy,
        () => void text.copy(props.copyText),
        "menu-copy-text",
        text.state,
      )}
      {button(
        copyLabel(link.state, t("menu.copyLink")),
        Link,
        () => void link.copy(props.copyLink()),
        "menu-copy-link",
        link.state,
      )}
      <span class="visually-hidden" role="status" data-testid="copy-status">
        {text.state !== "idle"
          ? copyLabel(text.state, "")
          : link.state !== "idle"
          ? copyLabel(link.state, "")
          : ""}
      </span>
      {props.onReport && button(t("menu.report"), Flag, props.onReport, "menu-report")}
    </div>
  );
}
