import type { DraftFile, UploadDrafts } from "../client/uploads/upload_drafts.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";
import { X } from "./icons.ts";
import { RefreshCw } from "./lazy_icons.ts";

/** Props of {@linkcode AttachmentDrafts}. */
export interface AttachmentDraftsProps {
  drafts: UploadDrafts;
  room: string;
}

/**
 * The files chosen for the next message: each with its progress bar, state and cancel, and a
 * retry once failed.
 */
export default function AttachmentDrafts({ drafts, room }: AttachmentDraftsProps) {
  const { t } = useI18n();
  const files = drafts.files.value.filter((file) => file.room === room);
  if (files.length === 0) return null;
  return (
    <ul class="attachment-drafts" aria-label={t("files.list")} data-testid="attachment-drafts">
      {files.map((file) => (
        <li key={file.key} class={`attachment-draft ${file.state.value}`} data-testid="draft">
          <span class="attachment-name">{file.name}</span>
          <progress
            max={file.total.value || 1}
            value={file.sent.value}
            aria-label={file.name}
            data-testid="upload-progress"
          />
          <span class="draft-state" role="status" data-state={file.state.value}>
            {stateText(t, file)}
          </span>
          {file.state.value === "failed" && (
            <button
              type="button"
              class="icon-button"
              aria-label={t("files.retry", { name: file.name })}
              data-testid="draft-retry"
              onClick={() => drafts.retry(file.key)}
            >
              <Icon icon={RefreshCw} />
            </button>
          )}
          <button
            type="button"
            class="icon-button"
            aria-label={t("files.cancel", { name: file.name })}
            onClick={() =>
              drafts.remove(file.key)}
          >
            <Icon icon={X} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function stateText(t: ReturnType<typeof useI18n>["t"], file: DraftFile): string {
  switch (file.state.value) {
    case "preparing":
      return t("files.preparing");
    case "waiting":
      return t("files.waiting");
    case "done":
      return t("files.ready");
    case "failed":
      return file.error.value === null ? "" : showText(t, file.error.value);
    case "uploading": {
      const percent = Math.floor(100 * file.sent.value / (file.total.value || 1));
      return t("files.progress", { percent });
    }
  }
}
