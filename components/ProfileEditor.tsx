import { useState } from "preact/hooks";
import {
  MAX_DISPLAY_NAME_CHARS,
  MAX_STATUS_CHARS,
  type PublicProfile,
} from "../lib/common/api_types.ts";
import { updateProfile } from "../client/friends_api.ts";
import { MY_AVATAR, removeAvatar, uploadAvatar } from "../client/avatar_api.ts";
import Avatar from "./Avatar.tsx";
import AvatarPicker from "./AvatarPicker.tsx";

/** Props of {@linkcode ProfileEditor}. */
export interface ProfileEditorProps {
  profile: PublicProfile;
  /** Called with the saved profile. */
  onSaved: (profile: PublicProfile) => void;
  onClose: () => void;
}

/**
 * The form that edits the user's avatar, display name and status; the server checks them
 * again. A new or removed avatar is saved at once, the name and status with Save.
 */
export default function ProfileEditor({ profile, onSaved, onClose }: ProfileEditorProps) {
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [status, setStatus] = useState(profile.status);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(await updateProfile(displayName, status));
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setSaving(false);
    }
  };
  type Saved = { profile: PublicProfile };
  return (
    <form class="profile-editor" data-testid="profile-editor" onSubmit={save}>
      <AvatarPicker
        uploaded={profile.avatarUrl !== undefined}
        upload={async (image) => onSaved((await uploadAvatar<Saved>(MY_AVATAR, image)).profile)}
        remove={async () => onSaved((await removeAvatar<Saved>(MY_AVATAR)).profile)}
      >
        <Avatar id={profile.id} name={profile.displayName} url={profile.avatarUrl} />
      </AvatarPicker>
      <label>
        Display name
        <input
          data-testid="profile-display-name"
          value={displayName}
          maxLength={MAX_DISPLAY_NAME_CHARS * 2}
          required
          onInput={(e) => setDisplayName(e.currentTarget.value)}
        />
      </label>
      <label>
        Status
        <input
          data-testid="profile-status"
          value={status}
          maxLength={MAX_STATUS_CHARS * 2}
          onInput={(e) => setStatus(e.currentTarget.value)}
        />
      </label>
      <div class="form-actions">
        <button type="submit" class="button small" data-testid="save-profile" disabled={saving}>
          Save
        </button>
        <button type="button" class="button small secondary" onClick={onClose}>Cancel</button>
      </div>
      {error !== null && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
