/**
 * A voice message's waveform and length, computed in the sender's browser before upload, so a
 * reader draws the message without downloading its audio.
 *
 * @module
 */
import { WAVEFORM_MAX, WAVEFORM_PEAKS } from "../../lib/common/recordings.ts";

/**
 * The peaks of `samples` in `count` equal stretches, scaled so the loudest is
 * {@linkcode WAVEFORM_MAX} (silence stays 0; a quiet recording still shows its shape).
 *
 * @example
 * ```ts
 * peaksOf(new Float32Array([0, 0.5, -1, 0.25]), 2); // [128, 255]
 * ```
 */
export function peaksOf(samples: Float32Array, count: number = WAVEFORM_PEAKS): number[] {
  const peaks: number[] = [];
  for (let bar = 0; bar < count; bar++) {
    const start = Math.floor(bar * samples.length / count);
    const end = Math.max(start + 1, Math.floor((bar + 1) * samples.length / count));
    let peak = 0;
    for (let i = start; i < Math.min(end, samples.length); i++) {
      peak = Math.max(peak, Math.abs(samples[i]!));
    }
    peaks.push(peak);
  }
  const loudest = Math.max(...peaks);
  return peaks.map((peak) => loudest === 0 ? 0 : Math.round(peak / loudest * WAVEFORM_MAX));
}

/** What {@linkcode analyseRecording} measured. */
export interface RecordingAnalysis {
  /** Length in seconds. */
  duration: number;
  /** {@linkcode WAVEFORM_PEAKS} bars from 0 to {@linkcode WAVEFORM_MAX}. */
  waveform: number[];
}

/**
 * Decodes a recording's audio and measures it; `undefined` when the browser cannot decode it
 * (the caller then uses the time it recorded for).
 */
export async function analyseRecording(blob: Blob): Promise<RecordingAnalysis | undefined> {
  // An offline context decodes without touching the audio output (no autoplay rules).
  const context = new OfflineAudioContext(1, 1, 48_000);
  try {
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    return { duration: audio.duration, waveform: peaksOf(audio.getChannelData(0)) };
  } catch {
    return undefined;
  }
}
