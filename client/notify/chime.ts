/**
 * The notification sound: two short sine tones made with Web Audio, so there is no sound file
 * to download (and nothing to add to the first-load bytes).
 *
 * @module
 */

let audio: AudioContext | undefined;

/** Plays the chime (about a quarter of a second); silently nothing where audio is blocked. */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume().catch(() => {});
    const start = audio.currentTime;
    for (const [i, frequency] of [880, 1320].entries()) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      const at = start + i * 0.12;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.12);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.13);
    }
  } catch {
    // No audio device, or the browser refuses to start audio without a gesture: stay silent.
  }
}
