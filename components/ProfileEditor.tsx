import { useState } from "preact/hooks";
import {
  MAX_DISPLAY_NAME_CHARS,
  MAX_STATUS_CHARS,
  type PublicProfile,
} from "../lib/common/api_types.ts";
import { updateProfile } from "../client/friend_actions_api.ts";
import { MY_AVATAR, removeAvatar, uploadAvatar } from "../client/avatar_api.ts";
import { isLocale, type Locale, LOCALES } from "../lib/common/i18n/locale.ts";
import { errorText } from "../client/error_text.ts";
import Avatar from "./Avatar.tsx";
import AvatarPicker from "./AvatarPicker.tsx";
import Dialog from "./Dialog.tsx";
import ReceiptsSetting from "./ReceiptsSetting.tsx";
import AccountSection from "./AccountSection.tsx";
import NotificationSettings from "./NotificationSettings.tsx";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import type { Signal } from "@preact/signals";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ProfileEditor}. */
export interface ProfileEditorProps {
  profile: PublicProfile;
  /** The UI language saved in the profile; null: the browser's. */
  savedLocale: Locale | null;
  /** Whether the user hides their "last seen"; changed when the form is saved. */
  hideLastSeen: Signal<boolean>;
  /** This device's notification switches. */
  prefs: NotifyPrefs;
  /** Called with the saved profile. */
  onSaved: (profile: PublicProfile) => void;
  onClose: () => void;
}

/**
 * The profile dialog: a form that edits the user's avatar, display name, status, UI language
 * and whether their "last seen" shows, with the read receipt and (this device's) notification
 * switches; the server checks them again. A new or removed avatar is saved at once, the rest with Save; a changed
 * language reloads the page, which the server then renders in it.
 */
export default function ProfileEditor(
  { profile, savedLocale, hideLastSeen, prefs, onSaved, onClose }: ProfileEditorProps,
) {
  const { t } = useI18n();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [locale, setLocale] = useState<Locale | null>(savedLocale);
  const [status, setStatus] = useState(profile.status);
  const [hidden, setHidden] = useState(hideLastSeen.peek());
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const saved = await updateProfile(displayName, status, locale, hidden);
      hideLastSeen.value = hidden;
      if (saved.locale !== savedLocale) return location.reload();
      onSaved(saved.profile);
      onClose();
    } catch (failure) {
      setError(errorText(t, failure));
    } finally {
      setSaving(false);
    }
  };
  type Saved = { profile: PublicProfile };
  return (
    <Dialog title={t("profile.heading")} onClose={onClose} testId="profile-dialog">
      <form class="profile-editor" data-testid="profile-editor" onSubmit={save}>
        <AvatarPicker
          uploaded={profile.avatarUrl !== undefined}
          upload={async (image) => onSaved((await uploadAvatar<Saved>(MY_AVATAR, image)).profile)}
          remove={async () => onSaved((await removeAvatar<Saved>(MY_AVATAR)).profile)}
        >
          <Avatar id={profile.id} name={profile.displayName} url={profile.avatarUrl} />
        </AvatarPicker>
        <label>
          {t("profile.displayName")}
          <input
            data-testid="profile-display-name"
            value={displayName}
            maxLength={MAX_DISPLAY_NAME_CHARS * 2}
            required
            onInput={(e) => setDisplayName(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("profile.status")}
          <input
            data-testid="profile-status"
            value={status}
            maxLength={MAX_STATUS_CHARS * 2}
            onInput={(e) => setStatus(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("profile.language")}
          <select
            data-testid="profile-locale"
            value={locale ?? ""}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setLocale(isLocale(value) ? value : null);
            }}
          >
            <option value="">{t("profile.languageAuto")}</option>
            {LOCALES.map((option) => (
              <option key={option} value={option} lang={option}>{t(`language.${option}`)}</option>
            ))}
          </select>
        </label>
        <div class="receipts-setting">
          <label class="checkbox-label">
            <input
              type="checkbox"
              data-testid="hide-last-seen"
              checked={hidden}
              aria-describedby="hide-last-seen-note"
              onChange={(e) => setHidden(e.currentTarget.checked)}
            />
            {t("profile.hideLastSeen")}
          </label>
          <p id="hide-last-seen-note" class="muted small-note">{t("profile.hideLastSeenNote")}</p>
        </div>
        <ReceiptsSetting />
        <NotificationSettings prefs={prefs} />
        <div class="form-actions">
          <button type="submit" class="button small" data-testid="save-profile" disabled={saving}>
            {t("common.save")}
          </button>
          <button type="button" class="button small secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
        </div>
        {error !== null && <p class="error" role="alert">{error}</p>}
      </form>
      <AccountSection />
    </Dialog>
  );
}
