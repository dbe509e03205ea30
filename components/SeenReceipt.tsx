import { useState } from "preact/hooks";
import type { ReceiptView } from "../client/receipt_view.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode SeenReceipt}. */
export interface SeenReceiptProps {
  receipt: ReceiptView;
  /** A direct conversation: "Seen", with nobody to list. */
  direct: boolean;
}

/**
 * Under an own message: "Seen" in a DM; "Seen by N" in a group, a button that lists who.
 */
export default function SeenReceipt({ receipt, direct }: SeenReceiptProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (direct) return <span class="seen" data-testid="seen">{t("receipts.seen")}</span>;
  return (
    <>
      <button
        type="button"
        class="link-button seen"
        data-testid="seen"
        onClick={() => setOpen(true)}
      >
        {t("receipts.seenBy", { count: receipt.readers.length })}
      </button>
      {open && (
        <Dialog
          title={t("receipts.listTitle")}
          onClose={() => setOpen(false)}
          testId="seen-dialog"
          class="confirm"
        >
          <ul class="seen-list">
            {receipt.readers.map((reader) => <li key={reader.id}>{reader.name}</li>)}
          </ul>
        </Dialog>
      )}
    </>
  );
}
