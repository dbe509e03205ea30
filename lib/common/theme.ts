/**
 * The colour theme a user picked: follow the system (`prefers-color-scheme`), or always light
 * or dark. Browser-safe: the server reads it from {@linkcode THEME_COOKIE} to put
 * `data-theme` on `<html>` before the first paint (no inline script, so the CSP stays
 * strict); the browser writes the cookie and `localStorage` when the user changes it.
 *
 * @module
 */

/** The themes, in the order the picker lists them. */
export const THEMES = ["system", "light", "dark"] as const;

/** A theme choice; `"system"` follows the operating system's setting. */
export type Theme = typeof THEMES[number];

/** Name of the cookie (and the `localStorage` key) that remembers the choice. */
export const THEME_COOKIE = "theme";

/**
 * A stored value as a {@linkcode Theme}; anything unknown (or nothing) is `"system"`.
 *
 * @example
 * ```ts
 * parseTheme("dark"); // "dark"
 * parseTheme(undefined); // "system"
 * ```
 */
export function parseTheme(value: string | null | undefined): Theme {
  return (THEMES as readonly string[]).includes(value ?? "") ? value as Theme : "system";
}

/**
 * The `data-theme` attribute of `<html>` for a choice: absent for `"system"`, so the
 * stylesheet's `prefers-color-scheme` decides.
 */
export function themeAttribute(theme: Theme): "light" | "dark" | undefined {
  return theme === "system" ? undefined : theme;
}

/** The app's title bar and splash screen colour (the styles' accent), for the manifest. */
export const THEME_COLOR = "#4f46e5";
