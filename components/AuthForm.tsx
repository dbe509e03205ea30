import { MIN_PASSWORD_CHARS } from "../lib/common/account_rules.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode AuthForm}. */
export interface AuthFormProps {
  mode: "login" | "register";
  /** Message of the last failed attempt. */
  error?: string;
  /** Username to prefill after a failed attempt. */
  username?: string;
  /**
   * A path on this site to go to after success, already checked by `localPath`; kept in the
   * form and in the link to the other form. `"/"` (the default) adds nothing.
   */
  next?: string;
  /**
   * Said above the form: `"ended"`, the user's session ended elsewhere (a logout in another
   * tab); `"deleted"`, their account's deletion began (from this tab).
   */
  notice?: "ended" | "deleted";
}

/** The login or registration form; a plain HTML form that works without JavaScript. */
export function AuthForm({ mode, error, username, next = "/", notice }: AuthFormProps) {
  const { t } = useI18n();
  const registering = mode === "register";
  const query = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <main class="auth-page">
      <form method="post" action={registering ? "/register" : "/login"} class="auth-card">
        <h1>
          {t(
            registering
              ? "auth.registerHeading"
              : notice === "deleted"
              ? "auth.deletedHeading"
              : "auth.loginHeading",
          )}
        </h1>
        {next.startsWith("/join/") && (
          <p class="auth-note" data-testid="auth-next">
            {t(registering ? "auth.inviteRegister" : "auth.inviteLogin")}
          </p>
        )}
        {notice === "ended" && (
          <p class="auth-note" role="status" data-testid="session-ended">
            {t("auth.sessionEnded")}
          </p>
        )}
        {notice === "deleted" && (
          <p class="auth-note" role="status" data-testid="account-deleted">
            {t("auth.accountDeleted")}
          </p>
        )}
        {error && <p class="error" role="alert" data-testid="auth-error">{error}</p>}
        {next !== "/" && <input type="hidden" name="next" value={next} />}
        <label class="field">
          <span>{t("auth.username")}</span>
          <input
            name="username"
            autocomplete="username"
            required
            minLength={3}
            maxLength={32}
            pattern="[A-Za-z0-9_\-]{3,32}"
            value={username}
            autofocus
          />
          {registering && <small>{t("auth.usernameRule", { min: 3, max: 32 })}</small>}
        </label>
        <label class="field">
          <span>{t("auth.password")}</span>
          <input
            name="password"
            type="password"
            autocomplete={registering ? "new-password" : "current-password"}
            required
            minLength={registering ? MIN_PASSWORD_CHARS : undefined}
          />
          {registering && <small>{t("auth.passwordRule", { count: MIN_PASSWORD_CHARS })}</small>}
        </label>
        <button type="submit" class="button">
          {t(registering ? "auth.signUp" : "auth.logIn")}
        </button>
        <p class="switch">
          {registering
            ? (
              <>
                {t("auth.haveAccount")} <a href={`/login${query}`}>{t("auth.logIn")}</a>
              </>
            )
            : (
              <>
                {t("auth.newHere")} <a href={`/register${query}`}>{t("auth.createAccount")}</a>
              </>
            )}
        </p>
      </form>
    </main>
  );
}
