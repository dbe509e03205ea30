/**
 * The voice and video message components, each a chunk of its own (components/lazy_component.ts):
 * the recorder is fetched when the user first presses a record button, the players when a
 * conversation first shows a recording.
 *
 * @module
 */
import type { Attachment } from "../lib/common/attachments.ts";
import { lazyComponent } from "./lazy_component.ts";
import type { RecorderPanelProps } from "./RecorderPanel.tsx";

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
/** The recorder (timer, level meter, preview, send and cancel), loaded on first use. */
export const LazyRecorderPanel = lazyComponent<RecorderPanelProps>(() =>
  import("./RecorderPanel.tsx")
);

/**
 * Fetches the recorder, the voice player and the upload code in the background, once per
 * page: a recording made after the network dropped needs all three, and cannot fetch them
 * then. Not part of the first-load JS: it runs after the composer is shown.
 *
 * @returns Whether they arrived (false offline: they are fetched on first use instead).
 */
export function prefetchRecording(): Promise<boolean> {
  return prefetched ??= Promise.all([
    import("./RecorderPanel.tsx"),
    import("./VoicePlayer.tsx"),
    import("../client/uploads/upload_file.ts"),
  ]).then(() => true, () => {
    prefetched = undefined;
    return false;
  });
}

let prefetched: Promise<boolean> | undefined;
