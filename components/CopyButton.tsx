import { useEffect, useState } from "preact/hooks";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode CopyButton}. */
export interface CopyButtonProps {
  /** What goes on the clipboard. */
  text: string;
}

/** How long "Copied" stays on the button before it reads "Copy" again. */
const COPIED_MS = 2_000;

/**
 * A Copy button that puts `text` on the clipboard and then reads "Copied" for a moment; the
 * change is announced (`aria-live`). When the browser refuses the clipboard, it reads "Copy
 * failed" and the text can still be selected by hand.
 */
export default function CopyButton({ text }: CopyButtonProps) {
  const { t } = useI18n();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), COPIED_MS);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      class="button small secondary"
      data-testid="copy-link"
      data-state={state}
      aria-live="polite"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setState("copied");
        } catch {
          setState("failed");
        }
      }}
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
