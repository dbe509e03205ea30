import { useEffect, useState } from "preact/hooks";
import type { InviteLinkView } from "../lib/common/api_types.ts";
import { MAX_INVITE_HOURS, MAX_INVITE_USES } from "../lib/common/api_types.ts";
import * as admin from "../client/room_admin_api.ts";
import { errorText } from "../client/error_text.ts";
import { formatDateTime } from "../client/format_date_time.ts";
import CopyButton from "./CopyButton.tsx";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode InviteDialog}. */
export interface InviteDialogProps {
  roomId: string;
  /** The room's name, for the heading. */
  roomName: string;
  onClose: () => void;
}

/**
 * The invite dialog of a group room, for its owner and admins: add a friend by username, and
 * make, copy and revoke invite links with a lifetime and a number of uses. The server checks
 * the caller's role and every limit again.
 */
export default function InviteDialog({ roomId, roomName, onClose }: InviteDialogProps) {
  const { t, locale } = useI18n();
  const [links, setLinks] = useState<InviteLinkView[]>([]);
  const [invitee, setInvitee] = useState("");
  const [hours, setHours] = useState(24);
  const [uses, setUses] = useState(10);
  const [error, setError] = useState<string | null>(null);
  const [invited, setInvited] = useState<string | null>(null);

  const run = (work: () => Promise<unknown>) => async () => {
    setError(null);
    setInvited(null);
    try {
      await work();
      setLinks(await admin.listLinks(roomId));
    } catch (failure) {
      setError(errorText(t, failure));
    }
  };
  useEffect(() => void run(async () => {})(), [roomId]);

  return (
    <Dialog
      title={t("invite.heading", { room: roomName })}
      onClose={onClose}
      testId="invite-dialog"
      closeTestId="invite-close"
    >
      <section class="room-settings">
        {error !== null && <p class="error" role="alert" data-testid="invite-error">{error}</p>}
        {invited !== null && (
          <p class="muted" role="status" data-testid="invite-done">
            {t("invite.added", { name: invited })}
          </p>
        )}
        <h3>{t("invite.friendHeading")}</h3>
        <form
          class="settings-row"
          onSubmit={(event) => {
            event.preventDefault();
            const name = invitee.trim();
            void run(async () => {
              await admin.inviteFriend(roomId, name);
              setInvitee("");
              setInvited(name);
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
        <h3>{t("invite.linkHeading")}</h3>
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
              max={MAX_INVITE_HOURS}
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
              max={MAX_INVITE_USES}
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
              {link.paused && (
                <span class="muted" data-testid="link-paused">
                  {t("refusal.linkMakerDisabled")}
                </span>
              )}
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
      </section>
    </Dialog>
  );
}
