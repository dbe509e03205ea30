/**
 * The voice and video message components, each a chunk of its own (components/lazy_component.ts):
 * the record buttons with the recorder when the composer first shows, the players when a
 * conversation first shows a recording.
 *
 * @module
 */
import type { Attachment } from "../lib/common/attachments.ts";
import { lazyComponent } from "./lazy_component.ts";
import type { RecordButtonsProps } from "./RecordButtons.tsx";

/** Props of the voice and video message players. */
export interface RecordingPlayerProps {
  room: string;
  /** The message's seq; absent while it waits in the outbox (nothing to fetch yet). */
  seq: number | undefined;
  /** The recording; its `media` says its kind, length and waveform. */
  attachment: Attachment;
  /** Whether the reader sent it (their own are never marked unplayed). */
  mine: boolean;
}

/** The voice message player, loaded on first use. */
export const LazyVoicePlayer = lazyComponent<RecordingPlayerProps>(() =>
  import("./VoicePlayer.tsx")
);
/** The video message player, loaded on first use. */
export const LazyVideoNotePlayer = lazyComponent<RecordingPlayerProps>(() =>
  import("./VideoNotePlayer.tsx")
);
/**
 * The composer's record buttons with the recorder (timer, level meter, preview, send and
 * cancel), fetched when the composer first shows, so recording works offline afterwards.
 */
export const LazyRecordButtons = lazyComponent<RecordButtonsProps>(() =>
  import("./RecordButtons.tsx")
);
