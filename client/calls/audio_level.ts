/**
 * The loudness of a media stream's audio, for the speaking indicator: the peak of the last
 * analyser frame, from 0 (silence) to 1.
 *
 * @module
 */

/** Reads the level of `stream`; `close()` releases the audio context. */
export function audioLevel(stream: MediaStream): { level(): number; close(): void } {
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 512;
  if (stream.getAudioTracks().length > 0) {
    audio.createMediaStreamSource(stream).connect(analyser);
  }
  const samples = new Uint8Array(analyser.fftSize);
  return {
    level() {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
      return peak / 128;
    },
    close() {
      if (audio.state !== "closed") audio.close().catch(() => {});
    },
  };
}
