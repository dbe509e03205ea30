import { useEffect, useState } from "preact/hooks";
import { isManager } from "../lib/common/room_roles.ts";
import * as admin from "../client/room_admin_api.ts";
import { removeAvatar, roomAvatar, uploadAvatar } from "../client/avatar_api.ts";
import { errorText } from "../client/error_text.ts";
import Avatar from "./Avatar.tsx";
import AvatarPicker from "./AvatarPicker.tsx";
import ConfirmDialog from "./ConfirmDialog.tsx";
import Dialog from "./Dialog.tsx";
import { useRoomDetails } from "./use_room_details.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode RoomSettings}. */
export interface RoomSettingsProps {
  roomId: string;
  onClose: () => void;
  /** Called after the room was deleted. */
  onDeleted: () => void;
}

/**
 * The room settings dialog. For owners and admins: the room's picture, name and topic; for
 * the owner also Delete room (after a confirmation). Other members see the room's picture,
 * name and topic. Members and invitations live in the members panel. The server checks every
 * rule again.
 */
export default function RoomSettings({ roomId, onClose, onDeleted }: RoomSettingsProps) {
  const { t } = useI18n();
  const { details, error, setError, run } = useRoomDetails(roomId);
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  // The picker shows its own upload errors; only the new picture is loaded through `run`.
  const reload = run(async () => {});
  useEffect(() => {
    if (!details) return;
    setName(details.room.name);
    setTopic(details.room.topic);
  }, [details]);

  if (!details) {
    return (
      <Dialog title={t("room.settings")} onClose={onClose} closeTestId="settings-close">
        <section class="room-settings" data-testid="room-settings">
          {error
            ? <p class="error" role="alert">{error}</p>
            : <p class="muted">{t("common.loading")}</p>}
        </section>
      </Dialog>
    );
  }
  const manager = isManager(details.role);
  const avatar = <Avatar id={roomId} name={details.room.name} url={details.room.avatarUrl} />;
  const title = t(
    details.room.visibility === "private" ? "settings.headingPrivate" : "settings.headingPublic",
  );
  return (
    <Dialog title={title} onClose={onClose} closeTestId="settings-close">
      <section class="room-settings" data-testid="room-settings">
        {error !== null && <p class="error" role="alert" data-testid="settings-error">{error}</p>}
        {manager
          ? (
            <AvatarPicker
              uploaded={details.room.avatarUrl !== undefined}
              upload={(image) => uploadAvatar(roomAvatar(roomId), image).then(reload)}
              remove={() => removeAvatar(roomAvatar(roomId)).then(reload)}
            >
              {avatar}
            </AvatarPicker>
          )
          : (
            <div class="settings-head">
              {avatar}
              <div class="room-about">
                <p class="member-name">{details.room.name}</p>
                {details.room.topic && <p class="muted">{details.room.topic}</p>}
              </div>
            </div>
          )}
        {manager && (
          <form
            class="settings-row"
            onSubmit={(event) => {
              event.preventDefault();
              void run(() => admin.updateRoom(roomId, { name, topic }))();
            }}
          >
            <input
              aria-label={t("newRoom.nameLabel")}
              data-testid="settings-name"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <input
              aria-label={t("settings.topic")}
              placeholder={t("settings.topic")}
              data-testid="settings-topic"
              value={topic}
              onInput={(e) => setTopic(e.currentTarget.value)}
            />
            <button type="submit" class="button secondary" data-testid="settings-save">
              {t("common.save")}
            </button>
          </form>
        )}
        {details.role === "owner" && (
          <button
            type="button"
            class="button danger"
            data-testid="delete-room"
            onClick={() => setConfirmDelete(true)}
          >
            {t("settings.delete")}
          </button>
        )}
      </section>
      {confirmDelete && (
        <ConfirmDialog
          title={t("settings.deleteConfirm", { room: details.room.name })}
          confirmLabel={t("settings.delete")}
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={async () => {
            setConfirmDelete(false);
            try {
              await admin.deleteRoom(roomId);
              onDeleted();
            } catch (failure) {
              setError(errorText(t, failure));
            }
          }}
        />
      )}
    </Dialog>
  );
}
