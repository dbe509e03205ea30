import type { ComponentChildren } from "preact";
import type { PublicUser } from "../lib/common/api_types.ts";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  stylesUrl: string;
  /** Island bundle to load; pages without islands leave it out. */
  scriptUrl?: string;
  /** The signed-in user, shown in the header with a logout button. */
  user?: PublicUser;
  children: ComponentChildren;
}

/** The HTML document around every page. Server-only. */
export function Layout({ title, stylesUrl, scriptUrl, user, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {/* No favicon request: an empty data URL is allowed by the CSP's img-src. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={stylesUrl} />
        {scriptUrl && <script type="module" src={scriptUrl} />}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">Deno Chat</a>
          {user && (
            <form method="post" action="/logout" class="logout">
              <span class="whoami" data-testid="whoami">{user.name}</span>
              <button type="submit" class="button secondary">Log out</button>
            </form>
          )}
        </header>
        {children}
      </body>
    </html>
  );
}
