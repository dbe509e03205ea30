import { useEffect, useState } from "preact/hooks";
import { receiptsEnabled, setReceiptsEnabled } from "../client/receipts_api.ts";
import { shownTextOf } from "../client/error_text.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";

/**
 * The "Send read receipts" switch of the profile dialog, saved as soon as it is changed. Off,
 * the user sends no receipts and sees none (the server enforces both).
 */
export default function ReceiptsSetting() {
  const { t } = useI18n();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    receiptsEnabled().then(setEnabled, (e) => setError(showText(t, shownTextOf(e))));
  }, []);
  const change = async (value: boolean) => {
    setError(null);
    try {
      setEnabled(await setReceiptsEnabled(value));
    } catch (e) {
      setError(showText(t, shownTextOf(e)));
    }
  };
  return (
    <div class="receipts-setting">
      <label class="checkbox-label">
        <input
          type="checkbox"
          data-testid="receipts-setting"
          checked={enabled ?? true}
          disabled={enabled === null}
          aria-describedby="receipts-note"
          onChange={(e) => void change(e.currentTarget.checked)}
        />
        {t("receipts.setting")}
      </label>
      <p id="receipts-note" class="muted small-note">{t("receipts.settingNote")}</p>
      {error !== null && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
