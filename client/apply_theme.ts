/**
 * Applies a theme choice in the browser at once and remembers it for the next page loads.
 *
 * @module
 */
import { type Theme, THEME_COOKIE, themeAttribute } from "../lib/common/theme.ts";

/** A year, in seconds: how long the theme cookie lives. */
const COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/**
 * Sets `data-theme` on `<html>` (removed for `"system"`), and saves the choice in
 * `localStorage` and in the cookie the server reads to render the next page in it.
 *
 * @example
 * ```ts
 * applyTheme("dark");
 * ```
 */
export function applyTheme(theme: Theme): void {
  const attribute = themeAttribute(theme);
  const root = document.documentElement;
  if (attribute) root.dataset.theme = attribute;
  else delete root.dataset.theme;
  try {
    localStorage.setItem(THEME_COOKIE, theme);
  } catch {
    // Storage may be disabled; the cookie still carries the choice.
  }
  document.cookie = `${THEME_COOKIE}=${theme}; path=/; max-age=${COOKIE_MAX_AGE_S}; samesite=lax`;
}
