import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ChatClient } from "../client/chat_client.ts";
import * as admin from "../client/room_admin_api.ts";
import type { RoomMemberView } from "../lib/common/api_types.ts";
import { isManager, mayModerate, type ModAction } from "../lib/common/room_roles.ts";
import ConfirmDialog from "./ConfirmDialog.tsx";
import Icon from "./Icon.tsx";
import { X } from "./icons.ts";
import { UserPlus } from "./lazy_icons.ts";
import InviteDialog from "./InviteDialog.tsx";
import MemberRow from "./MemberRow.tsx";
import { useRoomDetails } from "./use_room_details.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode MembersPanel}. */
export interface MembersPanelProps {
  roomId: string;
  /** The room's name with its sigil, for the invite dialog's heading. */
  roomName: string;
  /** The signed-in user's id. */
  userId: string;
  /** Online state of members, and the room's events that change the list. */
  client: ChatClient;
  onClose: () => void;
  /** Opens a member's profile card. */
  onProfile?: (id: string, username: string) => void;
}

/** A question waiting in the confirm dialog. */
interface Question {
  title: string;
  confirmLabel: string;
  go: () => void;
}

/** Moderation actions a member row may offer, in the order shown. */
const ACTIONS: readonly ModAction[] = ["mute", "unmute", "kick", "ban", "promote", "demote"];

/**
 * The members side panel of a group room: who is in it with their roles, the moderation
 * actions the viewer's role allows, banned users (to owners and admins), and for them an
 * Invite button that opens the invite dialog. Beside the messages on wide screens, over them
 * on phones. Reloads when a system message arrives in the room (a join, kick or role change).
 * The server checks every rule again.
 */
export default function MembersPanel(
  { roomId, roomName, userId, client, onClose, onProfile }: MembersPanelProps,
) {
  const { t } = useI18n();
  const lastEvent = client.room(roomId).list.value.findLast((message) => message.kind === "system")
    ?.seq;
  const { details, error, run } = useRoomDetails(roomId, lastEvent);
  const [question, setQuestion] = useState<Question | null>(null);
  const [inviting, setInviting] = useState(false);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Focus moves into the panel when it opens and back to what opened it when it closes, as
  // with a dialog; a layout effect so the return happens in the commit that removes it.
  useLayoutEffect(() => {
    const opener = document.activeElement;
    headingRef.current?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  const role = details?.role;
  const actions = (target: RoomMemberView): ModAction[] =>
    role === undefined
      ? []
      : ACTIONS.filter((action) =>
        mayModerate(role, target.role, action, target.user.id === userId) &&
        (action !== "mute" || !target.muted) && (action !== "unmute" || target.muted)
      );
  return (
    <aside
      class="members-panel"
      id="members-panel"
      aria-labelledby={headingId}
      data-testid="members-panel"
      onKeyDown={(event) => {
        if (event.key !== "Escape" || event.defaultPrevented) return;
        // Escape in the invite or confirm dialog (rendered inside the panel) closes only it.
        if (event.target instanceof Element && event.target.closest("dialog")) return;
        event.preventDefault();
        onClose();
      }}
    >
      <div class="members-head">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {details
            ? t("members.heading", { count: details.members.length })
            : t("settings.members")}
        </h2>
        <button
          type="button"
          class="icon-button"
          aria-label={t("members.close")}
          data-testid="members-close"
          onClick={onClose}
        >
          <Icon icon={X} />
        </button>
      </div>
      {error !== null && <p class="error" role="alert" data-testid="members-error">{error}</p>}
      {!details && error === null && <p class="muted">{t("common.loading")}</p>}
      {details && isManager(details.role) && (
        <button
          type="button"
          class="button secondary invite-button"
          data-testid="open-invite"
          onClick={() => setInviting(true)}
        >
          <Icon icon={UserPlus} />
          {t("invite.open")}
        </button>
      )}
      {details && (
        <ul class="members-list" aria-label={t("settings.members")}>
          {details.members.map((member) => (
            <MemberRow
              key={member.user.id}
              member={member}
              online={member.user.id === userId || client.isOnline(member.user.id)}
              actions={actions(member)}
              canTransfer={details.role === "owner" && member.user.id !== userId}
              onProfile={onProfile && (() => onProfile(member.user.id, member.user.name))}
              onAction={(action) =>
                void run(() => admin.moderate(roomId, member.user.id, action))()}
              onTransfer={() =>
                setQuestion({
                  title: t("settings.transferConfirm", { name: member.user.displayName }),
                  confirmLabel: t("settings.makeOwner"),
                  go: () => void run(() => admin.transferRoom(roomId, member.user.id))(),
                })}
            />
          ))}
        </ul>
      )}
      {details && details.banned.length > 0 && (
        <>
          <h3 class="members-subhead">{t("members.bannedHeading")}</h3>
          <ul class="members-list">
            {details.banned.map((user) => (
              <li key={user.id} class="member-row" data-testid="banned-row">
                <div class="member-main">
                  <span class="member-name">{user.displayName}</span>
                  <button
                    type="button"
                    class="link-button"
                    data-testid="member-unban"
                    onClick={run(() =>
                      admin.moderate(roomId, user.id, "unban")
                    )}
                  >
                    {t("mod.unban")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {inviting && (
        <InviteDialog
          roomId={roomId}
          roomName={roomName}
          onClose={() => {
            setInviting(false);
            void run(async () => {})();
          }}
        />
      )}
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
    </aside>
  );
}
