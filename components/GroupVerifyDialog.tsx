import { useState } from "preact/hooks";
import type { E2eMemberTrust, E2eSession } from "../client/e2e_view.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";
import SafetyNumberDialog from "./SafetyNumberDialog.tsx";
import { useRoomDetails } from "./use_room_details.ts";

/** Props of {@linkcode GroupVerifyDialog}. */
export interface GroupVerifyDialogProps {
  /** The encrypted group. */
  roomId: string;
  /** Every other member's safety number state and devices, as last checked. */
  members: readonly E2eMemberTrust[];
  /** The E2E session, which computes each number and keeps the marks. */
  session: E2eSession;
  onClose: () => void;
}

/**
 * "Members' safety numbers" of an encrypted group: each other member with their number's state
 * and each of their devices (verified, not verified, or new since last seen), and a button
 * that shows their safety number (the same dialog, and the same number, as in a secret chat
 * with them). Closing the number goes back to the list.
 */
export default function GroupVerifyDialog(
  { roomId, members, session, onClose }: GroupVerifyDialogProps,
) {
  const { t } = useI18n();
  const { details } = useRoomDetails(roomId);
  const [selected, setSelected] = useState<string | null>(null);
  const nameOf = (id: string) =>
    details?.members.find((member) => member.user.id === id)?.user.displayName ?? id;
  const chosen = members.find((member) => member.peer === selected);
  if (chosen) {
    return (
      <SafetyNumberDialog
        roomId={roomId}
        peer={chosen.peer}
        name={nameOf(chosen.peer)}
        session={session}
        state={chosen.state}
        onClose={() => setSelected(null)}
      />
    );
  }
  const stateText = {
    verified: t("e2e.memberVerified"),
    unverified: t("e2e.memberUnverified"),
    changed: t("e2e.memberChanged"),
  };
  return (
    <Dialog
      title={t("e2e.membersTitle")}
      onClose={onClose}
      testId="group-verify-dialog"
      class="safety-number-dialog"
    >
      <p>{t("e2e.membersHelp")}</p>
      {members.length === 0 && <p class="muted">{t("e2e.membersNone")}</p>}
      <ul class="members-list">
        {members.map((member) => (
          <li
            key={member.peer}
            class="member-row"
            data-testid="verify-member"
            data-user={member.peer}
            data-state={member.state}
          >
            <div class="member-main">
              <span class="member-name">{nameOf(member.peer)}</span>
              <span class={`e2e-member-state ${member.state}`}>{stateText[member.state]}</span>
              <button
                type="button"
                class="link-button"
                data-testid="verify-member-open"
                onClick={() => setSelected(member.peer)}
              >
                {t("e2e.verifyMember", { name: nameOf(member.peer) })}
              </button>
            </div>
            <ul class="e2e-devices">
              {member.devices.map((device) => (
                <li key={device.deviceId} data-testid="verify-device" data-state={device.state}>
                  {t("e2e.device", { id: device.deviceId.slice(0, 8) })}
                  {" · "}
                  {device.state === "new"
                    ? t("e2e.deviceNew")
                    : device.state === "verified"
                    ? t("e2e.memberVerified")
                    : t("e2e.memberUnverified")}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
