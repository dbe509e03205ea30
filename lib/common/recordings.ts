/**
 * Voice and video messages: the metadata a recording carries in its message (kind, length and,
 * for voice, a waveform drawn by the sender's browser), its limits and the types the server
 * accepts, as found in the bytes. Browser-safe (no Deno APIs).
 *
 * A recording is an ordinary uploaded file; the `send` frame names it with a `media` object,
 * which the server checks against the stored file's type and the configured longest length.
 *
 * @module
 */

/** A voice message (microphone) or a video message (camera and microphone). */
export type RecordingKind = "voice" | "video";

/** Bars of a voice message's waveform. */
export const WAVEFORM_PEAKS = 64;
/** Highest waveform bar (a byte: the loudest stretch of the recording). */
export const WAVEFORM_MAX = 255;
/** Default longest voice message, in seconds (`VOICE_MAX_SECONDS`). */
export const DEFAULT_VOICE_MAX_SECONDS = 120;
/** Default longest video message, in seconds (`VIDEO_MAX_SECONDS`). */
export const DEFAULT_VIDEO_MAX_SECONDS = 60;
/** Highest limit either setting may take, in seconds; the frame schema's hard bound. */
export const RECORDING_MAX_SECONDS_CAP = 600;
/**
 * Seconds a stated length may exceed the limit: the recorder stops at the limit, and the
 * decoded length of what it wrote can come out a frame or two longer.
 */
export const DURATION_SLACK_SECONDS = 1;

/** What a recording attachment says about itself, besides the file. */
export interface RecordingMedia {
  kind: RecordingKind;
  /** Length in seconds, measured by the sender's browser. */
  duration: number;
  /** Voice only: {@linkcode WAVEFORM_PEAKS} bars from 0 to {@linkcode WAVEFORM_MAX}. */
  waveform?: number[];
}

/** The longest recordings the server accepts, in seconds; handed to the page. */
export interface RecordingLimits {
  voiceMaxSeconds: number;
  videoMaxSeconds: number;
}

/**
 * Types (as `file-type` names them from the bytes) a recording of each kind may have: Opus in
 * WebM (Chromium; `file-type` calls any WebM video), Opus or Vorbis in Ogg (Firefox), MP4
 * (Safari). A video message is WebM or MP4.
 */
const RECORDING_TYPES: Record<RecordingKind, ReadonlySet<string>> = {
  voice: new Set([
    "video/webm",
    "audio/webm",
    "audio/ogg; codecs=opus",
    "audio/ogg",
    "audio/mp4",
    "audio/x-m4a",
    "video/mp4",
  ]),
  video: new Set(["video/webm", "video/mp4"]),
};

/**
 * Why `media` cannot describe a stored file of type `type` under `limits`, in English; or
 * `undefined` when it can.
 */
export function recordingProblem(
  media: RecordingMedia,
  type: string,
  limits: RecordingLimits,
): string | undefined {
  if (!RECORDING_TYPES[media.kind].has(type)) {
    return `a ${media.kind} message must be an audio or video recording, not ${type}`;
  }
  const max = media.kind === "voice" ? limits.voiceMaxSeconds : limits.videoMaxSeconds;
  if (media.duration > max + DURATION_SLACK_SECONDS) {
    return `a ${media.kind} message may be at most ${max} seconds long`;
  }
  if (media.kind === "video" && media.waveform !== undefined) {
    return "a video message has no waveform";
  }
  return undefined;
}

/** The file name and extension a recording of `mimeType` (as the recorder gave it) is sent as. */
export function recordingFileName(kind: RecordingKind, mimeType: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const extension = mimeType.includes("webm") ? "webm" : mimeType.includes("ogg") ? "opus" : "mp4";
  return `${kind}-${stamp}.${extension}`;
}
