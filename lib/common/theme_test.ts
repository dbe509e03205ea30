import assert from "node:assert/strict";
import { parseTheme, themeAttribute } from "./theme.ts";

Deno.test("parseTheme() keeps a known theme and falls back to system", () => {
  assert.equal(parseTheme("dark"), "dark");
  assert.equal(parseTheme("light"), "light");
  assert.equal(parseTheme("purple"), "system");
  assert.equal(parseTheme(undefined), "system");
});

Deno.test("themeAttribute() leaves system to the stylesheet", () => {
  assert.equal(themeAttribute("system"), undefined);
  assert.equal(themeAttribute("dark"), "dark");
});
