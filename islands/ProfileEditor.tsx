import { useState } from "preact/hooks";
import { MAX_DISPLAY_NAME_CHARS, MAX_STATUS_CHARS, type PublicProfile } from "../lib/api_types.ts";
import { updateProfile } from "../client/friends_api.ts";

/** Props of {@linkcode ProfileEditor}. */
export interface ProfileEditorProps {
  profile: PublicProfile;
  /** Called with the saved profile. */
  onSaved: (profile: PublicProfile) => void;
  onClose: () => void;
}

/** The form that edits the user's display name and status; the server checks both again. */
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
  return (
    <form class="profile-editor" data-testid="profile-editor" onSubmit={save}>
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
