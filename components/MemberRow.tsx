import type { ComponentChildren } from "preact";
import { useId, useState } from "preact/hooks";
import type { RoomMemberView } from "../lib/common/api_types.ts";
import type { ModAction } from "../lib/common/room_roles.ts";
import Avatar from "./Avatar.tsx";
import Icon from "./Icon.tsx";
import { Ellipsis } from "./lazy_icons.ts";
import PresenceDot from "./PresenceDot.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode MemberRow}. */
export interface MemberRowProps {
  member: RoomMemberView;
  /** Whether the member is online (known for friends). */
  online: boolean;
  /** The moderation actions the viewer may take on this member; none: no actions button. */
  actions: readonly ModAction[];
  /** Offers "Make owner" (the viewer owns the room and this is someone else). */
  canTransfer: boolean;
  onAction: (action: ModAction) => void;
  onTransfer: () => void;
  /** Opens the member's profile card; absent: the name is plain text. */
  onProfile?: () => void;
}

/**
 * One member in the members panel: avatar, name, role (and "muted"), and for an owner or
 * admin a "⋯" button that shows the actions their role allows under the row (a disclosure,
 * so it works the same by mouse, touch and keyboard).
 */
export default function MemberRow(
  { member, online, actions, canTransfer, onAction, onTransfer, onProfile }: MemberRowProps,
) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const actionsId = useId();
  const hasActions = actions.length > 0 || canTransfer;
  const role = t(`role.${member.role}`);
  return (
    <li class="member-row" data-testid="member-row" data-user={member.user.name}>
      <div class="member-main">
        <MemberOpener
          label={t("profileCard.open", { name: member.user.displayName })}
          onProfile={onProfile}
        >
          <Avatar id={member.user.id} name={member.user.displayName} url={member.user.avatarUrl} />
          <span class="member-text">
            <span class="member-name">
              {member.user.displayName}
              <PresenceDot online={online} />
            </span>
            <span class="muted member-role">
              {member.muted ? t("settings.roleMuted", { role }) : role}
            </span>
          </span>
        </MemberOpener>
        {hasActions && (
          <button
            type="button"
            class="icon-button"
            aria-label={t("members.actionsFor", { name: member.user.displayName })}
            aria-expanded={open}
            aria-controls={actionsId}
            data-testid="member-actions"
            onClick={() => setOpen(!open)}
          >
            <Icon icon={Ellipsis} />
          </button>
        )}
      </div>
      {hasActions && open && (
        <div class="member-actions" id={actionsId}>
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              class="link-button"
              data-testid={`member-${action}`}
              onClick={() => onAction(action)}
            >
              {t(`mod.${action}`)}
            </button>
          ))}
          {canTransfer && (
            <button
              type="button"
              class="link-button"
              data-testid="member-transfer"
              onClick={onTransfer}
            >
              {t("settings.makeOwner")}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** The member's avatar and name: a button opening their profile card, or plain. */
function MemberOpener(
  { label, onProfile, children }: {
    label: string;
    onProfile: (() => void) | undefined;
    children: ComponentChildren;
  },
) {
  if (!onProfile) return <span class="member-open">{children}</span>;
  return (
    <button
      type="button"
      class="member-open"
      data-testid="member-open"
      title={label}
      onClick={onProfile}
    >
      {children}
    </button>
  );
}
