import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { NotifyLevels } from "../client/notify/notify_levels.ts";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import { lazyComponent } from "./lazy_component.ts";
import Icon from "./Icon.tsx";
import { AtSign, Bell, BellOff } from "./lazy_icons.ts";
import { useI18n } from "./i18n_context.ts";

/** Loaded on first open: not needed at first paint. */
const NotifyPanel = lazyComponent(() => import("./NotifyPanel.tsx"));

/** Props of {@linkcode NotifyMenu}. */
export interface NotifyMenuProps {
  roomId: string;
  /** A direct conversation (its default is every message; a group's, mentions only). */
  direct: boolean;
  levels: NotifyLevels;
  prefs: NotifyPrefs;
}

const ICONS = { all: Bell, mentions: AtSign, none: BellOff } as const;

/**
 * The conversation's notification menu in the room header: a bell button (its icon shows the
 * level) that opens a choice of "All messages", "Mentions only" and "Nothing", saved on the
 * server for every device of the user. Escape or a click elsewhere closes it.
 */
export default function NotifyMenu({ roomId, direct, levels, prefs }: NotifyMenuProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const level = levels.levelOf(roomId, direct);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== "Escape") return;
        event.preventDefault();
        root.current?.querySelector("button")?.focus();
      } else if (root.current?.contains(event.target as Node)) return;
      setOpen(false);
    };
    addEventListener("keydown", close);
    addEventListener("pointerdown", close);
    return () => {
      removeEventListener("keydown", close);
      removeEventListener("pointerdown", close);
    };
  }, [open]);
  const label = t("notify.menu", { level: t(`notify.level.${level}`) });
  return (
    <div class="notify-menu" ref={root}>
      <button
        type="button"
        class="button secondary"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="notify-menu"
        data-level={level}
        onClick={() => setOpen(!open)}
      >
        <Icon icon={ICONS[level]} />
      </button>
      {open && (
        <NotifyPanel
          id={panelId}
          roomId={roomId}
          direct={direct}
          level={level}
          levels={levels}
          prefs={prefs}
        />
      )}
    </div>
  );
}
