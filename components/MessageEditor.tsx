import { useEffect, useRef, useState } from "preact/hooks";
import { type ShownText, showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode MessageEditor}. */
export interface MessageEditorProps {
  /** The text as it is now. */
  initial: string;
  /**
   * Saves the new text.
   *
   * @returns `null` when sent, or why not (shown under the box).
   */
  onSave: (text: string) => ShownText | null;
  /** Closes the editor without a change. */
  onCancel: () => void;
}

/** The inline editor of one's own message: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export default function MessageEditor({ initial, onSave, onCancel }: MessageEditorProps) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  const [error, setError] = useState<ShownText | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);
  const save = () => {
    if (text === initial) return onCancel();
    const problem = onSave(text);
    if (problem) setError(problem);
  };
  return (
    <div class="message-editor">
      <textarea
        ref={box}
        data-testid="message-editor"
        aria-label={t("editor.label")}
        rows={Math.min(8, text.split("\n").length)}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <div class="editor-actions">
        <span class="muted">{t("editor.hint")}</span>
        <button type="button" class="button small secondary" onClick={onCancel}>
          {t("editor.cancel")}
        </button>
        <button type="button" class="button small" data-testid="editor-save" onClick={save}>
          {t("editor.save")}
        </button>
      </div>
      {error !== null && <p class="error" role="alert">{showText(t, error)}</p>}
    </div>
  );
}
