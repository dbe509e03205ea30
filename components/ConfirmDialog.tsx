import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ConfirmDialog}. */
export interface ConfirmDialogProps {
  /** The question, as the heading. */
  title: string;
  /** What happens, in a sentence under it; absent: none. */
  message?: string;
  /** The label of the button that goes ahead ("Leave", "Delete room"). */
  confirmLabel: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
  /** Goes ahead; the owner removes the dialog. */
  onConfirm: () => void;
  /** Cancel, Escape or a click outside; the owner removes the dialog. */
  onCancel: () => void;
}

/**
 * A small modal question with Cancel and a confirm button, instead of `window.confirm`
 * (which cannot be styled or translated in its buttons, and blocks the page). Cancel has
 * focus first, so Enter right after opening does nothing destructive.
 */
export default function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useI18n();
  return (
    <Dialog title={props.title} onClose={props.onCancel} testId="confirm-dialog" class="confirm">
      {props.message && <p>{props.message}</p>}
      <div class="dialog-actions">
        <button
          type="button"
          class="button secondary"
          data-testid="confirm-cancel"
          autofocus
          onClick={props.onCancel}
        >
          {t("common.cancel")}
        </button>
        <button
          type="button"
          class={props.danger ? "button danger" : "button"}
          data-testid="confirm-ok"
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
