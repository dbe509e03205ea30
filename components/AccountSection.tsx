import { useState } from "preact/hooks";
import { deleteAccount, EXPORT_URL } from "../client/account_api.ts";
import { errorText } from "../client/error_text.ts";
import { endingSession } from "../client/session_end.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/**
 * The account part of the profile dialog: download one's own data as JSON, and delete the
 * account after typing the password again in a confirmation dialog (then the login page, which
 * says the deletion is under way).
 */
export default function AccountSection() {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Answered once the deletion began (the rest runs on at the server): the socket's close
      // for the ended session may come first, and must not take the tab elsewhere.
      await endingSession(() => deleteAccount(password));
      location.assign("/login?deleted=1");
    } catch (failure) {
      setError(errorText(t, failure));
      setBusy(false);
    }
  };
  const close = () => {
    setConfirming(false);
    setPassword("");
    setError(null);
  };
  return (
    <section class="account-section" aria-labelledby="account-heading">
      <h3 id="account-heading">{t("account.heading")}</h3>
      <p class="muted">{t("account.exportNote")}</p>
      <div class="form-actions">
        <a class="button small secondary" href={EXPORT_URL} download data-testid="account-export">
          {t("account.export")}
        </a>
        <button
          type="button"
          class="button small danger"
          data-testid="account-delete"
          onClick={() => setConfirming(true)}
        >
          {t("account.delete")}
        </button>
      </div>
      {confirming && (
        <Dialog
          title={t("account.deleteTitle")}
          onClose={close}
          testId="delete-account-dialog"
          class="confirm"
        >
          <form class="delete-account" onSubmit={remove}>
            <p>{t("account.deleteNote")}</p>
            <label>
              {t("account.password")}
              <input
                type="password"
                autocomplete="current-password"
                required
                value={password}
                data-testid="delete-account-password"
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            {error !== null && <p class="error" role="alert">{error}</p>}
            <div class="dialog-actions">
              <button type="button" class="button secondary" onClick={close}>
                {t("common.cancel")}
              </button>
              <button
                type="submit"
                class="button danger"
                data-testid="delete-account-confirm"
                disabled={busy || password === ""}
              >
                {t("account.deleteConfirm")}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
