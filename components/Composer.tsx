import { useRef, useState } from "preact/hooks";
import { countChars, MAX_TEXT_CHARS } from "../lib/common/protocol.ts";
import { type ShownText, showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode Composer}. */
export interface ComposerProps {
  /** Room name with its sigil (`#room` or `@user`), for the placeholder. */
  roomName: string;
  /**
   * Queues the text for sending (works offline: it waits in the outbox).
   *
   * @returns `null` when accepted, or why not, shown under the box.
   */
  onSend: (text: string) => ShownText | null;
  /** Told the text after each edit (typing notices). */
  onTextChange?: (text: string) => void;
}

/** Characters left at which the counter appears. */
const SHOW_COUNT_BELOW = 500;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. Shows the characters left near
 * the limit, and disables Send while the text is blank or too long.
 */
export default function Composer({ roomName, onSend, onTextChange }: ComposerProps) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [error, setError] = useState<ShownText | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const remaining = MAX_TEXT_CHARS - countChars(text);
  const blank = text.trim() === "";

  const submit = () => {
    if (blank) return;
    const problem = onSend(text);
    setError(problem);
    if (problem === null) setText("");
    box.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={box}
        data-testid="composer"
        aria-label={t("composer.placeholder", { room: roomName })}
        placeholder={t("composer.placeholder", { room: roomName })}
        rows={Math.min(8, text.split("\n").length)}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          onTextChange?.(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
          event.preventDefault();
          submit();
        }}
      />
      <div class="composer-actions">
        {remaining <= SHOW_COUNT_BELOW && (
          <span class={remaining < 0 ? "char-count over" : "char-count"} aria-live="polite">
            {remaining}
          </span>
        )}
        <button type="submit" class="button" disabled={blank || remaining < 0}>
          {t("composer.send")}
        </button>
      </div>
      {error !== null && <p class="error" role="alert">{showText(t, error)}</p>}
    </form>
  );
}
