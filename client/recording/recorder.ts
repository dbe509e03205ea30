/**
 * Records a voice or video message with `MediaRecorder`: asks for the microphone (and camera)
 * when started, measures the input level for the meter with an `AnalyserNode`, and gives the
 * recorded file when stopped. Loaded with the recorder panel, never on first load.
 *
 * @module
 */
import type { RecordingKind } from "../../lib/common/recordings.ts";

/** Container types to try, best first: Chromium records WebM, Firefox Ogg, Safari MP4. */
const AUDIO_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
const VIDEO_TYPES = ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
/** A video message is small and square-ish, like a video note: 480 px is plenty. */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 480 },
  height: { ideal: 480 },
  facingMode: "user",
};

/** A recording in progress. */
export interface Recorder {
  /** The live stream (the camera's, for a video message's preview). */
  stream: MediaStream;
  /** The container type the browser records. */
  mimeType: string;
  /** The input's loudness now, from 0 to 1. */
  level(): number;
  /** Stops and gives the recorded file. */
  stop(): Promise<Blob>;
  /** Stops and drops what was recorded. */
  cancel(): void;
}

/** The messages of the ways a recording cannot start. */
export type RecordingErrorKey =
  | "voice.denied"
  | "voice.noDevice"
  | "voice.unsupported"
  | "voice.failed";

/** Why a recording could not start, as a message key. */
export class RecordingError extends Error {
  /** The message to show. */
  readonly key: RecordingErrorKey;
  /** @param key The message to show. */
  constructor(key: RecordingErrorKey) {
    super(key);
    this.key = key;
  }
}

/**
 * Asks for the devices and starts recording.
 *
 * @throws {RecordingError} `voice.denied` when permission is refused, `voice.noDevice` when
 *   there is no microphone or camera, `voice.unsupported` without `MediaRecorder`.
 */
export async function startRecorder(kind: RecordingKind): Promise<Recorder> {
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
    throw new RecordingError("voice.unsupported");
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: kind === "video" ? VIDEO_CONSTRAINTS : false,
    });
  } catch (error) {
    throw new RecordingError(deviceErrorKey(error));
  }
  const candidates = kind === "video" ? VIDEO_TYPES : AUDIO_TYPES;
  const mimeType = candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  const chunks: Blob[] = [];
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 512;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
    if (audio.state !== "closed") audio.close().catch(() => {});
  };
  // The timer starts when the recorder does, so the limit matches what is recorded.
  const started = new Promise((resolve) =>
    recorder.addEventListener("start", resolve, { once: true })
  );
  recorder.start();
  await started;
  return {
    stream,
    mimeType: recorder.mimeType || mimeType,
    level() {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
      return peak / 128;
    },
    stop() {
      return new Promise((resolve) => {
        recorder.addEventListener("stop", () => {
          release();
          resolve(new Blob(chunks, { type: recorder.mimeType || mimeType }));
        }, { once: true });
        recorder.stop();
      });
    },
    cancel() {
      if (recorder.state !== "inactive") recorder.stop();
      release();
    },
  };
}

/** The message for a `getUserMedia` failure. */
function deviceErrorKey(error: unknown): RecordingErrorKey {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "voice.denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "voice.noDevice";
  return "voice.failed";
}
