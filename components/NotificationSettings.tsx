import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode NotificationSettings}. */
export interface NotificationSettingsProps {
  /** This device's switches and the browser's permission. */
  prefs: NotifyPrefs;
}

/**
 * The notification switches of the profile dialog, for this device: "Show notifications"
 * (turning it on is when the browser asks for permission, never before) and "Play a sound".
 * Says so when the browser blocks notifications or has none.
 */
export default function NotificationSettings({ prefs }: NotificationSettingsProps) {
  const { t } = useI18n();
  const permission = prefs.permission.value;
  const enabled = prefs.enabled.value && permission === "granted";
  const blocked = permission === "denied" || permission === "unsupported";
  return (
    <fieldset class="notification-settings" data-testid="notification-settings">
      <legend>{t("notify.heading")}</legend>
      <label class="checkbox-label">
        <input
          type="checkbox"
          data-testid="notify-enabled"
          checked={enabled}
          disabled={blocked}
          aria-describedby="notify-note"
          onChange={(e) => void prefs.setEnabled(e.currentTarget.checked)}
        />
        {t("notify.enable")}
      </label>
      <p id="notify-note" class="muted small-note" role={blocked ? "status" : undefined}>
        {t(
          permission === "denied"
            ? "notify.denied"
            : permission === "unsupported"
            ? "notify.unsupported"
            : "notify.enableNote",
        )}
      </p>
      <label class="checkbox-label">
        <input
          type="checkbox"
          data-testid="notify-sound"
          checked={prefs.sound.value}
          disabled={!enabled}
          onChange={(e) => prefs.setSound(e.currentTarget.checked)}
        />
        {t("notify.sound")}
      </label>
    </fieldset>
  );
}
