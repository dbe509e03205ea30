import { MIN_PASSWORD_CHARS, USERNAME_RULE } from "../lib/common/account_rules.ts";

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
}

/** The login or registration form; a plain HTML form that works without JavaScript. */
export function AuthForm({ mode, error, username, next = "/" }: AuthFormProps) {
  const registering = mode === "register";
  const query = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return (
    <main class="auth-page">
      <form method="post" action={registering ? "/register" : "/login"} class="auth-card">
        <h1>{registering ? "Create your account" : "Welcome back"}</h1>
        {next.startsWith("/join/") && (
          <p class="auth-note" data-testid="auth-next">
            {registering ? "Sign up" : "Log in"} to use your invite link.
          </p>
        )}
        {error && <p class="error" role="alert" data-testid="auth-error">{error}</p>}
        {next !== "/" && <input type="hidden" name="next" value={next} />}
        <label class="field">
          <span>Username</span>
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
          {registering && <small>{USERNAME_RULE}</small>}
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autocomplete={registering ? "new-password" : "current-password"}
            required
            minLength={registering ? MIN_PASSWORD_CHARS : undefined}
          />
          {registering && <small>At least {MIN_PASSWORD_CHARS} characters</small>}
        </label>
        <button type="submit" class="button">{registering ? "Sign up" : "Log in"}</button>
        <p class="switch">
          {registering
            ? (
              <>
                Have an account? <a href={`/login${query}`}>Log in</a>
              </>
            )
            : (
              <>
                New here? <a href={`/register${query}`}>Create an account</a>
              </>
            )}
        </p>
      </form>
    </main>
  );
}
