import { useRef, useState } from "preact/hooks";
import { formatDuration } from "../client/recording/format_duration.ts";
import { attachmentUrl } from "../lib/common/attachments.ts";
import type { RecordingPlayerProps } from "./recording_lazy.ts";
import { useI18n } from "./i18n_context.ts";

/**
 * A video message, round like a video note: it plays inline, muted and looping, as soon as it
 * is shown; a tap plays it from the start with sound, another tap mutes it again.
 */
export default function VideoNotePlayer({ room, seq, attachment }: RecordingPlayerProps) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [sound, setSound] = useState(false);
  const duration = formatDuration(Math.round(attachment.media?.duration ?? 0));
  if (seq === undefined) {
    return (
      <div class="video-note pending" data-testid="video-note">
        <span class="video-note-time">{duration}</span>
      </div>
    );
  }
  return (
    <button
      type="button"
      class={sound ? "video-note sound" : "video-note"}
      aria-label={`${t("video.message", { duration })}. ${
        t(sound ? "video.mute" : "video.unmute")
      }`}
      aria-pressed={sound}
      data-testid="video-note"
      onClick={() => {
        const element = video.current!;
        const next = !sound;
        setSound(next);
        element.muted = !next;
        element.loop = !next;
        if (next) element.currentTime = 0;
        void element.play().catch(() => {});
      }}
    >
      <video
        ref={video}
        src={attachmentUrl(room, seq, attachment.id)}
        muted
        autoplay
        loop
        playsInline
        preload="metadata"
        data-testid="video-note-video"
        onEnded={() => {
          // Played through with sound: back to the silent loop.
          setSound(false);
          video.current!.muted = true;
          video.current!.loop = true;
          void video.current!.play().catch(() => {});
        }}
      />
      <span class="video-note-time">{duration}</span>
    </button>
  );
}
