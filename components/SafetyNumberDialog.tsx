import { useEffect, useState } from "preact/hooks";
import type { E2eSession, E2eVerification } from "../client/e2e_view.ts";
import type { SafetyNumber } from "../lib/common/e2e/safety_number.ts";
import { errorText } from "../client/error_text.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode SafetyNumberDialog}. */
export interface SafetyNumberDialogProps {
  /** The two-person secret chat, or the encrypted group `peer` is a member of. */
  roomId: string;
  /** In an encrypted group: the member whose number this is (their user id). */
  peer?: string;
  /** The contact's display name. */
  name: string;
  /** The E2E session, which computes the number and keeps the mark. */
  session: E2eSession;
  /** The number's state as last checked (the dialog checks again when it opens). */
  state: E2eVerification["state"] | undefined;
  onClose: () => void;
}

/**
 * "Verify safety number" (with a secret chat's contact, or with one member of an encrypted
 * group): the 60 digits (12 groups of 5) and 12 emoji that the user and their
 * contact compare in person or over a call, with "Mark as verified" or "Clear verification".
 * Computed when it opens, from the devices in the conversation's group and in the directory.
 */
export default function SafetyNumberDialog(
  { roomId, peer, name, session, state, onClose }: SafetyNumberDialogProps,
) {
  const { t } = useI18n();
  const [number, setNumber] = useState<SafetyNumber | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    session.safetyNumber(roomId, peer).then(
      (computed) => live && setNumber(computed),
      (failure) => live && setError(errorText(t, failure)),
    );
    return () => {
      live = false;
    };
  }, [session, roomId, peer]);
  const mark = (verified: boolean) => {
    setBusy(true);
    setError(null);
    session.setVerified(roomId, verified, peer)
      .catch((failure) => setError(errorText(t, failure)))
      .finally(() => setBusy(false));
  };
  return (
    <Dialog
      title={t("e2e.verifyTitle", { name })}
      onClose={onClose}
      testId="safety-number-dialog"
      class="safety-number-dialog"
    >
      <p>{t("e2e.verifyHelp", { name })}</p>
      {number
        ? (
          <>
            <p class="safety-number" data-testid="safety-number">
              {number.groups.map((group, i) => <span key={i}>{group}</span>)}
            </p>
            <p class="safety-emoji" data-testid="safety-emoji">{number.emoji.join(" ")}</p>
            <p role="status" data-testid="safety-state" data-state={state}>
              {state === "verified"
                ? t("e2e.stateVerified", { name })
                : state === "changed"
                ? t("e2e.numberChanged", { name })
                : t("e2e.stateUnverified")}
            </p>
            <div class="form-actions">
              {state !== "verified" && (
                <button
                  type="button"
                  class="button small"
                  data-testid="mark-verified"
                  disabled={busy}
                  onClick={() => mark(true)}
                >
                  {t("e2e.markVerified")}
                </button>
              )}
              {state !== "unverified" && (
                <button
                  type="button"
                  class="button small secondary"
                  data-testid="clear-verification"
                  disabled={busy}
                  onClick={() => mark(false)}
                >
                  {t("e2e.clearVerification")}
                </button>
              )}
            </div>
          </>
        )
        : error === null && <p class="muted" role="status">{t("e2e.computingNumber")}</p>}
      {error !== null && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}
