import { useEffect } from "preact/hooks";

/**
 * Calls `open` on Ctrl+K (⌘K on a Mac) anywhere, and on `/` when the user is not typing in a
 * field (there it is a character), as Slack and GitHub do. The shortcut's default (the
 * browser's address-bar search for Ctrl+K) is prevented.
 */
export function useSearchShortcut(open: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const modified = event.ctrlKey || event.metaKey;
      const slash = event.key === "/" && !modified && !event.altKey && !isTyping(event.target);
      if (!slash && !(modified && event.key.toLowerCase() === "k" && !event.altKey)) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      open();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [open]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}
