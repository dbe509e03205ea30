import { h } from "preact";
import type { IconNode } from "lucide";

/** Props of {@linkcode Icon}. */
export interface IconProps {
  /** One icon of the `lucide` package (imported by name, so the bundle holds only those used). */
  icon: IconNode;
  /** Width and height in CSS pixels; default 20. */
  size?: number;
}

/**
 * A Lucide icon as inline SVG in the text colour. Decorative: the button or link around it
 * carries the name (`aria-label` or visible text), so the SVG is hidden from screen readers.
 *
 * @example
 * ```tsx
 * import { Settings } from "lucide";
 * <button aria-label={t("room.settings")}><Icon icon={Settings} /></button>
 * ```
 */
export default function Icon({ icon, size = 20 }: IconProps) {
  return (
    <svg
      class="icon"
      xmlns="http://www.w3.org/2000/svg"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {icon.map(([tag, attributes], index) => h(tag, { key: index, ...attributes }))}
    </svg>
  );
}
