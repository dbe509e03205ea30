import { useState } from "preact/hooks";
import { chooseNotifyLevel } from "../client/notify/choose_notify_level.ts";
import type { NotifyLevels } from "../client/notify/notify_levels.ts";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import { errorText } from "../client/error_text.ts";
import { NOTIFY_LEVELS, type NotifyLevel } from "../lib/common/notify_level.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode NotifyPanel}. */
export interface NotifyPanelProps {
  /** The element id the bell button's `aria-controls` names. */
  id: string;
  roomId: string;
  direct: boolean;
  /** The conversation's level now. */
  level: NotifyLevel;
  levels: NotifyLevels;
  prefs: NotifyPrefs;
}

/**
 * The open bell menu: "All messages", "Mentions only" or "Nothing" as radio buttons, saved on
 * choosing; says so when notifications are off on this device.
 */
export default function NotifyPanel(
  { id, roomId, direct, level, levels, prefs }: NotifyPanelProps,
) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const choose = async (next: NotifyLevel) => {
    setError(null);
    try {
      await chooseNotifyLevel(levels, roomId, direct, next);
    } catch (failure) {
      setError(errorText(t, failure));
    }
  };
  return (
    <div class="notify-panel" id={id} data-testid="notify-panel">
      <fieldset>
        <legend>{t("notify.menuTitle")}</legend>
        {NOTIFY_LEVELS.map((option) => (
          <label key={option} class="radio-label">
            <input
              type="radio"
              name={id}
              value={option}
              data-testid={`notify-level-${option}`}
              checked={option === level}
              onChange={() => void choose(option)}
            />
            {t(`notify.level.${option}`)}
          </label>
        ))}
      </fieldset>
      {!prefs.active && <p class="muted small-note">{t("notify.offNote")}</p>}
      {error !== null && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
