import { useState } from "preact/hooks";
import { reportMessage } from "../client/account_api.ts";
import { errorText } from "../client/error_text.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Longest reason the form takes (the server checks 500 code points). */
const REASON_MAX = 500;

/** Props of {@linkcode ReportDialog}. */
export interface ReportDialogProps {
  room: string;
  seq: number;
  /** The author's shown name. */
  author: string;
  onClose: () => void;
}

/**
 * Reports a message to the administrator, with an optional reason. Says so once sent; shows
 * the server's refusal (too many reports, a message gone) otherwise. A lazy chunk.
 */
export default function ReportDialog({ room, seq, author, onClose }: ReportDialogProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [state, setState] = useState<"editing" | "sending" | "sent">("editing");
  const [error, setError] = useState<string | null>(null);
  const send = async (event: Event) => {
    event.preventDefault();
    setState("sending");
    setError(null);
    try {
      await reportMessage(room, seq, reason);
      setState("sent");
    } catch (failure) {
      setError(errorText(t, failure));
      setState("editing");
    }
  };
  return (
    <Dialog title={t("report.title", { author })} onClose={onClose} testId="report-dialog">
      {state === "sent"
        ? (
          <>
            <p role="status" data-testid="report-sent">{t("report.sent")}</p>
            <div class="dialog-actions">
              <button type="button" class="button" autofocus onClick={onClose}>
                {t("report.done")}
              </button>
            </div>
          </>
        )
        : (
          <form class="report-form" onSubmit={send}>
            <p class="muted">{t("report.note")}</p>
            <label>
              {t("report.reason")}
              <textarea
                data-testid="report-reason"
                value={reason}
                maxLength={REASON_MAX}
                rows={3}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            </label>
            {error !== null && <p class="error" role="alert">{error}</p>}
            <div class="dialog-actions">
              <button type="button" class="button secondary" onClick={onClose}>
                {t("common.cancel")}
              </button>
              <button
                type="submit"
                class="button danger"
                data-testid="report-send"
                disabled={state === "sending"}
              >
                {t("report.send")}
              </button>
            </div>
          </form>
        )}
    </Dialog>
  );
}
