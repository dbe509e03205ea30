import { useRef, useState } from "preact/hooks";
import { countChars, MAX_TEXT_CHARS } from "../lib/common/protocol.ts";
import { type ShownText, showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";
import type { Attachment } from "../lib/common/attachments.ts";
import type { UploadDrafts } from "../client/uploads/upload_drafts.ts";
import AttachmentDrafts from "./AttachmentDrafts.tsx";
import Icon from "./Icon.tsx";
import { Paperclip } from "./icons.ts";

/** Props of {@linkcode Composer}. */
export interface ComposerProps {
  /** Room name with its sigil (`#room` or `@user`), for the placeholder. */
  roomName: string;
  /**
   * Queues the text for sending (works offline: it waits in the outbox).
   *
   * @returns `null` when accepted, or why not, shown under the box.
   */
  onSend: (text: string, attachments?: Attachment[]) => ShownText | null;
  /** The room's files being attached; absent: no attach button. */
  drafts?: UploadDrafts;
  /** The room's id, whose files are attached. */
  roomId?: string;
}

/** Characters left at which the counter appears. */
const SHOW_COUNT_BELOW = 500;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. Shows the characters left near
 * the limit, and disables Send while the text is blank or too long.
 */
export default function Composer({ roomName, onSend, drafts, roomId }: ComposerProps) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [error, setError] = useState<ShownText | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const remaining = MAX_TEXT_CHARS - countChars(text);
  const files = drafts && roomId !== undefined ? drafts.forRoom(roomId) : [];
  const uploading = files.length > 0 && drafts!.busy(roomId!);
  const blank = text.trim() === "" && files.length === 0;

  const attach = (chosen: readonly File[]) => {
    if (drafts && roomId !== undefined) setError(drafts.add(roomId, chosen));
  };

  const submit = () => {
    if (blank) return;
    if (uploading) return setError({ key: "files.stillUploading" });
    const problem = onSend(text, files.length > 0 ? drafts!.take(roomId!) : undefined);
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
        onInput={(event) => setText(event.currentTarget.value)}
        onPaste={(event) => {
          const pasted = [...event.clipboardData?.files ?? []];
          if (pasted.length === 0 || !drafts) return;
          event.preventDefault();
          attach(pasted);
        }}
        onKeyDown={(event) => {
          if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
          event.preventDefault();
          submit();
        }}
      />
      {drafts && roomId !== undefined && <AttachmentDrafts drafts={drafts} room={roomId} />}
      <div class="composer-actions">
        {drafts && (
          <>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              data-testid="file-input"
              onChange={(event) => {
                attach([...event.currentTarget.files ?? []]);
                event.currentTarget.value = "";
              }}
            />
            <button
              type="button"
              class="icon-button"
              aria-label={t("files.attach")}
              title={t("files.attach")}
              data-testid="attach"
              onClick={() => picker.current?.click()}
            >
              <Icon icon={Paperclip} />
            </button>
          </>
        )}
        {remaining <= SHOW_COUNT_BELOW && (
          <span class={remaining < 0 ? "char-count over" : "char-count"} aria-live="polite">
            {remaining}
          </span>
        )}
        <button type="submit" class="button" disabled={blank || uploading || remaining < 0}>
          {t("composer.send")}
        </button>
      </div>
      {error !== null && <p class="error" role="alert">{showText(t, error)}</p>}
    </form>
  );
}
