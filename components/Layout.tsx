import type { ComponentChildren } from "preact";
import type { PublicUser } from "../lib/common/api_types.ts";
import { translator } from "../lib/common/i18n/catalogues.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import { type Theme, THEME_COLOR, themeAttribute } from "../lib/common/theme.ts";
import { I18nContext, useI18n } from "./i18n_context.ts";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  /** The page's own title; the app's name is added after it. Absent: the app's name alone. */
  title?: string;
  /** The page's language: `<html lang>`, and the `I18nContext` of everything inside. */
  locale: Locale;
  /** The theme from the request's cookie: `<html data-theme>`, set before the first paint. */
  theme: Theme;
  stylesUrl: string;
  /** Island bundle to load; pages without islands leave it out. */
  scriptUrl?: string;
  /** Chunks the script imports statically, fetched in parallel with it. */
  preloadUrls?: string[];
  /**
   * The app icon (192 px): given on the chat page, which then links the web app manifest and
   * the theme colour, so the browser offers to install it.
   */
  appIconUrl?: string;
  /**
   * The signed-in user, shown in the header with a logout button (and, for the administrator,
   * a link to the administration page).
   */
  user?: PublicUser;
  children: ComponentChildren;
}

/** The HTML document around every page, in the page's language. Server-only. */
export function Layout({ locale, theme, ...props }: LayoutProps) {
  return (
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <Document {...props} theme={theme} />
    </I18nContext.Provider>
  );
}

function Document(
  { title, theme, stylesUrl, scriptUrl, preloadUrls = [], appIconUrl, user, children }: Omit<
    LayoutProps,
    "locale"
  >,
) {
  const { locale, t } = useI18n();
  return (
    <html lang={locale} data-theme={themeAttribute(theme)}>
      <head>
        <meta charset="utf-8" />
        {
          /* resizes-content: an on-screen keyboard shrinks the layout (100dvh) instead of
            covering the composer. */
        }
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, interactive-widget=resizes-content"
        />
        <meta name="color-scheme" content="light dark" />
        <title>{title === undefined ? t("app.name") : t("app.title", { page: title })}</title>
        {/* No favicon request: an empty data URL is allowed by the CSP's img-src. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={stylesUrl} />
        {appIconUrl && <link rel="manifest" href="/manifest.webmanifest" />}
        {appIconUrl && <link rel="apple-touch-icon" href={appIconUrl} />}
        {appIconUrl && <meta name="theme-color" content={THEME_COLOR} />}
        {scriptUrl && <script type="module" src={scriptUrl} />}
        {preloadUrls.map((url) => <link key={url} rel="modulepreload" href={url} />)}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">{t("app.name")}</a>
          {user && (
            <form method="post" action="/logout" class="logout">
              {user.admin && (
                <a class="admin-link" href="/admin" data-testid="admin-link">
                  {t("layout.admin")}
                </a>
              )}
              <span class="whoami" data-testid="whoami">{user.name}</span>
              <button type="submit" class="button secondary">{t("layout.logout")}</button>
            </form>
          )}
        </header>
        {children}
      </body>
    </html>
  );
}
