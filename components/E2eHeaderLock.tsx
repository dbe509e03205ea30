import { useState } from "preact/hooks";
import type { E2eParts } from "../client/use_e2e.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import E2eLock, { type E2eLockProps } from "./E2eLock.tsx";
import Icon from "./Icon.tsx";
import { Lock } from "./icons.ts";
import { ShieldAlert, ShieldCheck } from "./lazy_icons.ts";
import { useI18n } from "./i18n_context.ts";
import SafetyNumberDialog from "./SafetyNumberDialog.tsx";

/** Props of {@linkcode E2eHeaderLock}: the padlock's, and the conversation it is for. */
export interface E2eHeaderLockProps extends E2eLockProps {
  /** The encrypted room shown (a secret chat: named after the contact). */
  room: RoomSummary;
  /** The page's E2E parts (absent: a plain padlock). */
  e2e?: E2eParts;
}

/**
 * The padlock in a secret chat's header, loaded lazily (the plain {@linkcode E2eLock} holds its
 * place until then). Once the chat's safety number has been checked it is a button with the
 * number's state (a shield with a check when verified, with "!" when it changed) that opens
 * "Verify safety number".
 */
export default function E2eHeaderLock({ room, e2e, ...lock }: E2eHeaderLockProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const verification = e2e?.view.rooms.value.get(room.id)?.verification;
  const session = e2e?.session.value;
  if (!verification || !session) return <E2eLock {...lock} />;
  const label = t(
    verification.state === "verified"
      ? "e2e.lockVerified"
      : verification.state === "changed"
      ? "e2e.lockChanged"
      : "e2e.lockUnverified",
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
      {open && (
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
