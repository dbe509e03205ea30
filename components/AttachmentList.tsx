import { useState } from "preact/hooks";
import { formatBytes } from "../client/format_bytes.ts";
import { type Attachment, attachmentUrl, isInlineImage } from "../lib/common/attachments.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";
import { FileIcon } from "./lazy_icons.ts";
import ImageLightbox from "./ImageLightbox.tsx";
import { LazyVideoNotePlayer, LazyVoicePlayer } from "./recording_lazy.ts";

/** Props of {@linkcode AttachmentList}. */
export interface AttachmentListProps {
  room: string;
  /** The message's seq; absent while it waits in the outbox (nothing to fetch yet). */
  seq: number | undefined;
  attachments: readonly Attachment[];
  /** Whether the reader sent the message (their own voice messages are never "unplayed"). */
  mine?: boolean;
  /**
   * An encrypted room's files, decrypted on this device: blob URLs by file id (a file not in it
   * yet has no link; an image is previewed by itself, as no thumbnail was uploaded).
   */
  sources?: ReadonlyMap<string, string> | undefined;
}

/** Largest box of an image in the timeline, in CSS pixels. */
const BOX_WIDTH = 320;
const BOX_HEIGHT = 240;

/**
 * The files of a message: images as previews of their stored size (so the timeline never
 * jumps when they load) that open full size in a lightbox; GIFs as themselves, so they play;
 * voice and video messages in their players (fetched on first use); other files as a card
 * with name, size and a download link.
 */
export default function AttachmentList(
  { room, seq, attachments, mine = false, sources }: AttachmentListProps,
) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState<Attachment | null>(null);
  return (
    <ul class="attachments" data-testid="attachments">
      {attachments.map((attachment) => {
        if (attachment.media) {
          const Player = attachment.media.kind === "voice" ? LazyVoicePlayer : LazyVideoNotePlayer;
          return (
            <li key={attachment.id} class={`attachment-${attachment.media.kind}`}>
              <Player room={room} seq={seq} attachment={attachment} mine={mine} />
            </li>
          );
        }
        const url = sources
          ? sources.get(attachment.id)
          : seq === undefined
          ? undefined
          : attachmentUrl(room, seq, attachment.id);
        const preview = previewOf(attachment, sources !== undefined);
        if (url && preview) {
          const box = fit(preview.width, preview.height);
          const src = preview.id === attachment.id ? url : attachmentUrl(room, seq!, preview.id);
          return (
            <li key={attachment.id} class="attachment-image">
              <button
                type="button"
                class="image-button"
                aria-label={t("files.openImage", { name: attachment.name })}
                onClick={() => setOpen(attachment)}
              >
                <img
                  src={src}
                  alt={attachment.name}
                  width={box.width}
                  height={box.height}
                  loading="lazy"
                  data-testid="attachment-thumb"
                />
              </button>
            </li>
          );
        }
        return (
          <li key={attachment.id} class="attachment-file" data-testid="attachment-file">
            <Icon icon={FileIcon} />
            <span class="attachment-name">{attachment.name}</span>
            <span class="attachment-size">{formatBytes(attachment.size, locale)}</span>
            {url && (
              <a
                class="link-button"
                href={url}
                download={attachment.name}
                aria-label={t("files.download", { name: attachment.name })}
              >
                {t("files.downloadShort")}
              </a>
            )}
          </li>
        );
      })}
      {open && seq !== undefined && (
        <ImageLightbox
          name={open.name}
          src={sources?.get(open.id) ?? attachmentUrl(room, seq, open.id)}
          width={open.width}
          height={open.height}
          onClose={() => setOpen(null)}
        />
      )}
    </ul>
  );
}

/**
 * What the timeline shows of an image: its thumbnail, or a GIF itself (so it plays), or (`local`:
 * decrypted on this device) the image itself.
 */
function previewOf(
  attachment: Attachment,
  local: boolean,
): { id: string; width: number; height: number } | null {
  if (!isInlineImage(attachment.type) || !attachment.width || !attachment.height) return null;
  if (attachment.thumb) return { id: attachment.thumb.id, ...size(attachment) };
  return attachment.type === "image/gif" || local
    ? { id: attachment.id, ...size(attachment) }
    : null;
}

function size(attachment: Attachment): { width: number; height: number } {
  return { width: attachment.width!, height: attachment.height! };
}

/** The largest box of the image's proportions that fits the timeline's box (never enlarged). */
function fit(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, BOX_WIDTH / width, BOX_HEIGHT / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}
