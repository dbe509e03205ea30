import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef } from "preact/hooks";
import { useI18n } from "./i18n_context.ts";
import { X } from "./icons.ts";
import Icon from "./Icon.tsx";

/** Props of {@linkcode Dialog}. */
export interface DialogProps {
  /** The dialog's heading, which also names it for screen readers. */
  title: string;
  /** Called when the dialog closes by itself: Escape, the close button, a click outside. */
  onClose: () => void;
  /** `data-testid` of the `<dialog>`. */
  testId?: string;
  /** `data-testid` of the close button; default `dialog-close`. */
  closeTestId?: string;
  /** Extra class of the `<dialog>` (`"confirm"` for a small one). */
  class?: string;
  children: ComponentChildren;
}

/**
 * A modal native `<dialog>`, open while it is rendered: render it when the thing it shows is
 * open and leave it out to close it. `showModal()` makes the rest of the page inert, moves
 * focus into it and closes it on Escape; when it goes away, focus returns to the element
 * that had it before (the button that opened it), which the browser does not do for a
 * dialog removed from the page.
 */
export default function Dialog(
  { title, onClose, testId, closeTestId = "dialog-close", children, ...props }: DialogProps,
) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  // A layout effect, not useEffect: Preact 11 runs a passive effect's cleanup on unmount only
  // after the next paint, so focus sat on <body> for a frame (longer on a busy page) between
  // the dialog leaving the page and the opener getting focus back. A layout cleanup runs in
  // the same commit that removes the dialog.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement;
    dialog.showModal();
    // Escape fires "cancel"; the owner decides (it removes the dialog), so the element is
    // not closed under Preact's feet.
    const cancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    // Chromium may close it anyway (a repeated Escape without a user gesture in between).
    const closed = () => closeRef.current();
    dialog.addEventListener("cancel", cancel);
    dialog.addEventListener("close", closed);
    return () => {
      dialog.removeEventListener("cancel", cancel);
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={props.class ? `dialog ${props.class}` : "dialog"}
      aria-labelledby={headingId}
      data-testid={testId}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself, outside its box.
        if (event.target === ref.current) onClose();
      }}
    >
      <div class="dialog-body">
        <div class="dialog-head">
          <h2 id={headingId}>{title}</h2>
          <button
            type="button"
            class="icon-button"
            aria-label={t("common.close")}
            data-testid={closeTestId}
            onClick={onClose}
          >
            <Icon icon={X} />
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}
