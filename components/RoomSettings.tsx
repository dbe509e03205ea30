import { useEffect, useState } from "preact/hooks";
import type { InviteLinkView, RoomDetails } from "../lib/common/api_types.ts";
import { isManager, mayModerate, type ModAction } from "../lib/common/room_roles.ts";
import * as admin from "../client/room_admin_api.ts";
import { removeAvatar, roomAvatar, uploadAvatar } from "../client/avatar_api.ts";
import { errorText } from "../client/error_text.ts";
import { formatDateTime } from "../client/format_time.ts";
import Avatar from "./Avatar.tsx";
import AvatarPicker from "./AvatarPicker.tsx";
import ConfirmDialog from "./ConfirmDialog.tsx";
import CopyButton from "./CopyButton.tsx";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode RoomSettings}. */
export interface RoomSettingsProps {
  roomId: string;
  /** The signed-in user's id. */
  userId: string;
  onClose: () => void;
  /** Called after the room was deleted. */
  onDeleted: () => void;
}

/** A question waiting in the confirm dialog. */
interface Question {
  title: string;
  confirmLabel: string;
  go: () => void;
}

/**
 * The room settings dialog: members with their roles (and the moderation actions the
 * caller's role allows), and for owners and admins the room's picture, rename, topic, invite a
 * friend and invite links; for the owner transfer and delete. The server checks every rule
 * again.
 */
export default function RoomSettings({ roomId, userId, onClose, onDeleted }: RoomSettingsProps) {
  const { t, locale } = useI18n();
  const [details, setDetails] = useState<RoomDetails | null>(null);
  const [links, setLinks] = useState<InviteLinkView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [invitee, setInvitee] = useState("");
  const [hours, setHours] = useState(24);
  const [uses, setUses] = useState(10);
  const [question, setQuestion] = useState<Question | null>(null);

  const load = async () => {
    const next = await admin.roomDetails(roomId);
    setDetails(next);
    setName(next.room.name);
    setTopic(next.room.topic);
    setLinks(isManager(next.role) ? await admin.listLinks(roomId) : []);
  };
  const run = (work: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await work();
      await load();
    } catch (failure) {
      setError(errorText(t, failure));
    }
  };
  useEffect(() => void run(async () => {})(), [roomId]);

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
  const { role } = details;
  const manager = isManager(role);
  const actions = (target: RoomDetails["members"][number]): ModAction[] =>
    (["mute", "unmute", "kick", "ban", "promote", "demote"] as const).filter((action) =>
      mayModerate(role, target.role, action, target.user.id === userId) &&
      (action !== "mute" || !target.muted) && (action !== "unmute" || target.muted)
    );
  const title = t(
    details.room.visibility === "private" ? "settings.headingPrivate" : "settings.headingPublic",
  );
  return (
    <Dialog title={title} onClose={onClose} closeTestId="settings-close">
      <section class="room-settings" data-testid="room-settings">
        {error !== null && <p class="error" role="alert" data-testid="settings-error">{error}</p>}
        {manager && (
          <AvatarPicker
            uploaded={details.room.avatarUrl !== undefined}
            upload={(image) => uploadAvatar(roomAvatar(roomId), image).then(load)}
            remove={() => removeAvatar(roomAvatar(roomId)).then(load)}
          >
            <Avatar id={roomId} name={details.room.name} url={details.room.avatarUrl} />
          </AvatarPicker>
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
        {manager && (
          <form
            class="settings-row"
            onSubmit={(event) => {
              event.preventDefault();
              void run(async () => {
                await admin.inviteFriend(roomId, invitee.trim());
                setInvitee("");
              })();
            }}
          >
            <input
              aria-label={t("settings.inviteLabel")}
              placeholder={t("settings.invitePlaceholder")}
              data-testid="invite-username"
              value={invitee}
              onInput={(e) => setInvitee(e.currentTarget.value)}
            />
            <button type="submit" class="button secondary" data-testid="invite-submit">
              {t("settings.invite")}
            </button>
          </form>
        )}
        {manager && (
          <div class="settings-block">
            <form
              class="settings-row"
              onSubmit={(event) => {
                event.preventDefault();
                void run(() => admin.createLink(roomId, hours, uses))();
              }}
            >
              <label>
                {t("settings.hours")}{" "}
                <input
                  type="number"
                  min={1}
                  max={720}
                  data-testid="link-hours"
                  value={hours}
                  onInput={(e) => setHours(Number(e.currentTarget.value))}
                />
              </label>
              <label>
                {t("settings.uses")}{" "}
                <input
                  type="number"
                  min={1}
                  max={1000}
                  data-testid="link-uses"
                  value={uses}
                  onInput={(e) => setUses(Number(e.currentTarget.value))}
                />
              </label>
              <button type="submit" class="button secondary" data-testid="create-link">
                {t("settings.newLink")}
              </button>
            </form>
            <ul class="settings-list">
              {links.map((link) => (
                <li key={link.token} data-testid="invite-link-row">
                  <input
                    readOnly
                    class="link-url"
                    data-testid="invite-link"
                    aria-label={t("settings.inviteLink")}
                    value={location.origin + link.url}
                  />
                  <CopyButton text={location.origin + link.url} />
                  <span class="muted">
                    {t("settings.linkUsage", {
                      uses: link.uses,
                      max: link.maxUses,
                      date: formatDateTime(link.expiresAt, locale),
                    })}
                  </span>
                  <button
                    type="button"
                    class="link-button"
                    data-testid="revoke-link"
                    onClick={run(() => admin.revokeLink(roomId, link.token))}
                  >
                    {t("settings.revoke")}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <ul class="settings-list" aria-label={t("settings.members")}>
          {details.members.map((member) => (
            <li key={member.user.id} data-testid="member-row" data-user={member.user.name}>
              <Avatar
                id={member.user.id}
                name={member.user.displayName}
                url={member.user.avatarUrl}
                small
              />
              <span class="member-name">{member.user.displayName}</span>
              <span class="muted">
                {member.muted
                  ? t("settings.roleMuted", { role: t(`role.${member.role}`) })
                  : t(`role.${member.role}`)}
              </span>
              {actions(member).map((action) => (
                <button
                  key={action}
                  type="button"
                  class="link-button"
                  data-testid={`member-${action}`}
                  onClick={run(() => admin.moderate(roomId, member.user.id, action))}
                >
                  {t(`mod.${action}`)}
                </button>
              ))}
              {role === "owner" && member.user.id !== userId && (
                <button
                  type="button"
                  class="link-button"
                  data-testid="member-transfer"
                  onClick={() =>
                    setQuestion({
                      title: t("settings.transferConfirm", { name: member.user.displayName }),
                      confirmLabel: t("settings.makeOwner"),
                      go: () =>
                        void run(() => admin.transferRoom(roomId, member.user.id))(),
                    })}
                >
                  {t("settings.makeOwner")}
                </button>
              )}
            </li>
          ))}
          {details.banned.map((user) => (
            <li key={user.id} data-testid="banned-row">
              <span class="member-name">{user.displayName}</span>
              <span class="muted">{t("settings.banned")}</span>
              <button
                type="button"
                class="link-button"
                data-testid="member-unban"
                onClick={run(() => admin.moderate(roomId, user.id, "unban"))}
              >
                {t("mod.unban")}
              </button>
            </li>
          ))}
        </ul>
        {role === "owner" && (
          <button
            type="button"
            class="button danger"
            data-testid="delete-room"
            onClick={() =>
              setQuestion({
                title: t("settings.deleteConfirm", { room: details.room.name }),
                confirmLabel: t("settings.delete"),
                go: async () => {
                  try {
                    await admin.deleteRoom(roomId);
                    onDeleted();
                  } catch (failure) {
                    setError(errorText(t, failure));
                  }
                },
              })}
          >
            {t("settings.delete")}
          </button>
        )}
      </section>
      {question && (
        <ConfirmDialog
          title={question.title}
          confirmLabel={question.confirmLabel}
          danger
          onCancel={() => setQuestion(null)}
          onConfirm={() => {
            setQuestion(null);
            question.go();
          }}
        />
      )}
    </Dialog>
  );
}
