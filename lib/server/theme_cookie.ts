/**
 * The theme a request's cookie asks for, for the pages' `<html data-theme>`.
 *
 * @module
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { parseTheme, type Theme, THEME_COOKIE } from "../common/theme.ts";

/**
 * The {@linkcode Theme} saved in the request's theme cookie; `"system"` without one.
 *
 * @example
 * ```ts
 * app.get("/", (c) => c.text(themeOf(c)));
 * ```
 */
export function themeOf(c: Context): Theme {
  return parseTheme(getCookie(c, THEME_COOKIE));
}
