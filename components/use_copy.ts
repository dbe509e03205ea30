/**
 * Copying to the clipboard with feedback: a hook giving the state a copy control shows
 * ("copied" or "failed" for a moment, then "idle" again) and the function that copies.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";

/** What a copy control shows: nothing yet, "Copied", or "Copy failed". */
export type CopyState = "idle" | "copied" | "failed";

/** How long "Copied" (or "Copy failed") stays before the control reads as before. */
export const COPIED_MS = 2_000;

/**
 * The state of one copy control and its copy function. The browser may refuse the clipboard
 * (no permission, not a secure context): the state is then "failed", so the user knows to
 * select the text by hand.
 *
 * @example
 * ```tsx
 * const { state, copy } = useCopy();
 * <button onClick={() => copy(url)}>{state === "copied" ? "Copied" : "Copy"}</button>
 * ```
 *
 * @returns The state, and `copy(text)`, which resolves once the state is set.
 */
export function useCopy(): { state: CopyState; copy: (text: string) => Promise<void> } {
  const [state, setState] = useState<CopyState>("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), COPIED_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async (text: string) => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return { state, copy };
}
