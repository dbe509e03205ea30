import { useI18n } from "./i18n_context.ts";
import { useCopy } from "./use_copy.ts";

/** Props of {@linkcode CopyButton}. */
export interface CopyButtonProps {
  /** What goes on the clipboard. */
  text: string;
}

/**
 * A Copy button that puts `text` on the clipboard and then reads "Copied" for a moment; the
 * change is announced (`aria-live`). When the browser refuses the clipboard, it reads "Copy
 * failed" and the text can still be selected by hand.
 */
export default function CopyButton({ text }: CopyButtonProps) {
  const { t } = useI18n();
  const { state, copy } = useCopy();
  return (
    <button
      type="button"
      class="button small secondary"
      data-testid="copy-link"
      data-state={state}
      aria-live="polite"
      onClick={() => copy(text)}
    >
      {t(
        state === "copied"
          ? "common.copied"
          : state === "failed"
          ? "common.copyFailed"
          : "common.copy",
      )}
    </button>
  );
}
