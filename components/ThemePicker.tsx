import { useState } from "preact/hooks";
import { applyTheme } from "../client/apply_theme.ts";
import { parseTheme, type Theme, THEMES } from "../lib/common/theme.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ThemePicker}. */
export interface ThemePickerProps {
  /** The choice the page was rendered with (from the theme cookie). */
  initial: Theme;
}

/** A select of the colour theme (system, light, dark), applied at once and remembered. */
export default function ThemePicker({ initial }: ThemePickerProps) {
  const { t } = useI18n();
  const [theme, setTheme] = useState<Theme>(initial);
  return (
    <label class="theme-picker">
      <span>{t("theme.label")}</span>
      <select
        data-testid="theme-picker"
        value={theme}
        onChange={(event) => {
          const chosen = parseTheme(event.currentTarget.value);
          setTheme(chosen);
          applyTheme(chosen);
        }}
      >
        {THEMES.map((option) => <option key={option} value={option}>{t(`theme.${option}`)}
        </option>)}
      </select>
    </label>
  );
}
