import { useEffect, useRef, useState } from "preact/hooks";
import { countChars, MAX_TEXT_CHARS } from "../lib/common/protocol.ts";
import { type ShownText, showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";
import type { Attachment } from "../lib/common/attachments.ts";
import type { LazyDrafts } from "../client/uploads/use_upload_drafts.ts";
import { AttachmentDrafts, CompletionList } from "./lazy_parts.ts";
import type { MemberName } from "../client/room_members.ts";
import { LazyEmojiPicker } from "./emoji_picker_lazy.ts";
import { replaceRange } from "../client/composer_completion.ts";
import { Paperclip, Smile } from "./icons.ts";
import Icon from "./Icon.tsx";
import { LazyRecordButtons } from "./recording_lazy.ts";
import type { ChatClient } from "../client/chat_client.ts";
import type { RecordingLimits } from "../lib/common/recordings.ts";

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
  /** The room's files being attached (loaded after the first paint); absent: no attach button. */
  drafts?: LazyDrafts;
  /** The room's id, whose files are attached. */
  roomId?: string;
  /** An end-to-end encrypted room: files are encrypted in the browser before they upload. */
  encrypted?: boolean;
  /** The room's members, for `@mention` completion; none when absent. */
  members?: () => readonly MemberName[];
  /** Called when a mention starts, to refresh the members. */
  onMentionStart?: () => void;
  /** Up-arrow in the empty box: opens the editor of the user's last message; false if none. */
  onEditLast?: () => boolean;
  /** Set while the user is muted here: the box is disabled and says who muted them. */
  muted?: { by: string } | null;
  /** Told the text after each edit (typing notices). */
  onTextChange?: (text: string) => void;
  /** Voice and video messages: their limits and the client sending them; absent: none. */
  recording?: { limits: RecordingLimits; client: ChatClient };
}

/** Characters left at which the counter appears. */
const SHOW_COUNT_BELOW = 500;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. Shows the characters left near
 * the limit, and disables Send while the text is blank or too long.
 */
export default function Composer(
  {
    roomName,
    onSend,
    drafts,
    roomId,
    encrypted,
    onTextChange,
    members = () => [],
    onMentionStart = () => {},
    onEditLast,
    muted,
    recording,
  }: ComposerProps,
) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [picking, setPicking] = useState<{ start: number; end: number } | null>(null);
  const [placeCaret, setPlaceCaret] = useState<number | null>(null);
  const apply = (next: { text: string; caret: number }) => {
    setText(next.text);
    onTextChange?.(next.text);
    setCaret(next.caret);
    setPlaceCaret(next.caret);
  };
  // The completion list's key handler, once its lazy chunk has come (see CompletionList).
  const completionKeys = useRef<((event: KeyboardEvent) => boolean) | null>(null);
  const trackCaret = (event: { currentTarget: HTMLTextAreaElement }) =>
    setCaret(event.currentTarget.selectionStart ?? 0);
  // After a pick: the caret goes right after what was inserted, in the box, once rendered.
  useEffect(() => {
    if (placeCaret === null || picking) return;
    box.current?.focus();
    box.current?.setSelectionRange(placeCaret, placeCaret);
    setPlaceCaret(null);
  }, [placeCaret, picking]);
  const [error, setError] = useState<ShownText | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const remaining = MAX_TEXT_CHARS - countChars(text);
  const loaded = drafts?.current;
  const files = loaded && roomId !== undefined ? loaded.forRoom(roomId) : [];
  const uploading = files.length > 0 && loaded!.busy(roomId!);
  const blank = text.trim() === "" && files.length === 0;

  const attach = (chosen: readonly File[]) => {
    if (!drafts || roomId === undefined) return;
    void drafts.ready.then((ready) => setError(ready.add(roomId, chosen, encrypted)));
  };

  const submit = () => {
    if (blank) return;
    if (uploading) return setError({ key: "files.stillUploading" });
    const problem = onSend(text, files.length > 0 ? loaded!.take(roomId!) : undefined);
    setError(problem);
    if (problem === null) {
      setText("");
      setCaret(0);
    }
    box.current?.focus();
  };

  if (muted) {
    return (
      <p class="composer composer-muted" role="status" data-testid="composer-muted">
        {muted.by ? t("composer.mutedBy", { by: muted.by }) : t("composer.muted")}
      </p>
    );
  }
  return (
    <form
      class={recording && roomId !== undefined && blank ? "composer blank" : "composer"}
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
        aria-autocomplete="list"
        onInput={(event) => {
          setText(event.currentTarget.value);
          onTextChange?.(event.currentTarget.value);
          trackCaret(event);
        }}
        onKeyUp={trackCaret}
        onClick={trackCaret}
        onPaste={(event) => {
          const pasted = [...event.clipboardData?.files ?? []];
          if (pasted.length === 0 || !drafts) return;
          event.preventDefault();
          attach(pasted);
        }}
        onKeyDown={(event) => {
          if (completionKeys.current?.(event)) {
            event.preventDefault();
            return;
          }
          if (event.key === "ArrowUp" && text === "" && onEditLast?.()) {
            return event.preventDefault();
          }
          if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
          event.preventDefault();
          submit();
        }}
      />
      <CompletionList
        text={text}
        caret={caret}
        members={members}
        onMentionStart={onMentionStart}
        apply={apply}
        box={box}
        keys={completionKeys}
      />
      {loaded && roomId !== undefined && <AttachmentDrafts drafts={loaded} room={roomId} />}
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
        <button
          type="button"
          class="icon-button"
          data-testid="emoji-open"
          aria-label={t("emoji.open")}
          title={t("emoji.open")}
          onClick={() => {
            const area = box.current;
            setPicking({
              start: area?.selectionStart ?? text.length,
              end: area?.selectionEnd ?? text.length,
            });
          }}
        >
          <Icon icon={Smile} />
        </button>
        {recording && roomId !== undefined && blank && (
          <LazyRecordButtons
            limits={recording.limits}
            client={recording.client}
            room={roomId!}
            onError={(key) => setError(key && { key })}
          />
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
      {picking && (
        <LazyEmojiPicker
          onClose={() => setPicking(null)}
          onPick={(emoji) => {
            apply(replaceRange(text, picking.start, picking.end, emoji));
            setPicking(null);
          }}
        />
      )}
    </form>
  );
}
