import { useState } from "preact/hooks";
import type { E2eParts } from "../client/use_e2e.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import E2eLock, { type E2eLockProps } from "./E2eLock.tsx";
import Icon from "./Icon.tsx";
import { Lock } from "./icons.ts";
import { ShieldAlert, ShieldCheck } from "./lazy_icons.ts";
import { useI18n } from "./i18n_context.ts";
import SafetyNumberDialog from "./SafetyNumberDialog.tsx";
import GroupVerifyDialog from "./GroupVerifyDialog.tsx";
import type { E2eMemberTrust, E2eVerification } from "../client/e2e_view.ts";

/** Props of {@linkcode E2eHeaderLock}: the padlock's, and the conversation it is for. */
export interface E2eHeaderLockProps extends E2eLockProps {
  /** The encrypted room shown (a secret chat: named after the contact). */
  room: RoomSummary;
  /** The page's E2E parts (absent: a plain padlock). */
  e2e?: E2eParts;
}

/**
 * The padlock in an encrypted conversation's header, loaded lazily (the plain
 * {@linkcode E2eLock} holds its place until then). Once the safety numbers have been checked it
 * is a button with their state (a shield with a check when verified, with "!" when one
 * changed) that opens "Verify safety number" in a secret chat, and the members' safety numbers
 * in an encrypted group (verified when every member is, changed when any member's is).
 */
export default function E2eHeaderLock({ room, e2e, ...lock }: E2eHeaderLockProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const view = e2e?.view.rooms.value.get(room.id);
  const members = view?.members;
  const verification = view?.verification ?? (members && { state: groupState(members) });
  const session = e2e?.session.value;
  if (!verification || !session) return <E2eLock {...lock} />;
  const label = t(
    verification.state === "verified"
      ? (members ? "e2e.lockGroupVerified" : "e2e.lockVerified")
      : verification.state === "changed"
      ? (members ? "e2e.lockGroupChanged" : "e2e.lockChanged")
      : (members ? "e2e.lockGroupUnverified" : "e2e.lockUnverified"),
  );
  return (
    <>
      <button
        type="button"
        class={`e2e-lock e2e-lock-button ${verification.state}`}
        data-testid={lock.testId}
        data-verified={verification.state}
        aria-label={label}
        title={label}
        onClick={() => setOpen(true)}
      >
        <Icon icon={Lock} size={lock.size} />
        {verification.state !== "unverified" && (
          <Icon
            icon={verification.state === "verified" ? ShieldCheck : ShieldAlert}
            size={lock.size}
          />
        )}
      </button>
      {open && members && (
        <GroupVerifyDialog
          roomId={room.id}
          members={members}
          session={session}
          onClose={() => setOpen(false)}
        />
      )}
      {open && !members && (
        <SafetyNumberDialog
          roomId={room.id}
          name={room.name}
          session={session}
          state={verification.state}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

/** A group's state: changed when any member's is, verified when every one is (and there is one). */
function groupState(members: readonly E2eMemberTrust[]): E2eVerification["state"] {
  if (members.some((member) => member.state === "changed")) return "changed";
  const all = members.length > 0 && members.every((member) => member.state === "verified");
  return all ? "verified" : "unverified";
}
