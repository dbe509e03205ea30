import { useEffect, useRef, useState } from "preact/hooks";
import type { TargetedPointerEvent } from "preact";
import pauseIcon from "lucide/dist/esm/icons/pause.mjs";
import playIcon from "lucide/dist/esm/icons/play.mjs";
import { formatDuration } from "../client/recording/format_duration.ts";
import {
  addVoiceSlot,
  finishedPlaying,
  isPlayed,
  startedPlaying,
  type VoiceSlot,
} from "../client/recording/voice_playback.ts";
import { attachmentUrl } from "../lib/common/attachments.ts";
import { WAVEFORM_MAX } from "../lib/common/recordings.ts";
import type { RecordingPlayerProps } from "./recording_lazy.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";

const SPEEDS = [1, 1.5, 2] as const;
/** Waveform drawing units: a bar and its gap, and the tallest bar. */
const BAR_STEP = 3;
const BAR_HEIGHT = 32;
/** Silence still shows as a row of short bars, not as a hairline. */
const MIN_BAR = 6;
/** Seconds the arrow keys move the position by. */
const KEY_STEP_SECONDS = 2;

/**
 * A voice message: play/pause, its length (the position while playing), its waveform as the
 * seek bar (click, drag or arrow keys), and the speed (1×, 1.5×, 2×). A dot marks it for the
 * reader until played; when it ends, the next unplayed one of the room plays.
 */
export default function VoicePlayer({ room, seq, attachment, mine }: RecordingPlayerProps) {
  const { t } = useI18n();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [speed, setSpeed] = useState(0);
  const duration = attachment.media?.duration ?? 0;
  // The length is shown rounded (1.96 s reads 0:02); the position counts up while playing.
  const length = formatDuration(Math.round(duration));
  const waveform = attachment.media?.waveform ?? [];
  const slot = useRef<VoiceSlot | null>(null);

  useEffect(() => {
    if (seq === undefined) return;
    const element = audio.current!;
    const current: VoiceSlot = {
      room,
      seq,
      play: () => void element.play().catch(() => {}),
      pause: () => element.pause(),
    };
    slot.current = current;
    return addVoiceSlot(current);
  }, [room, seq]);

  if (seq === undefined) {
    // Waiting in the outbox: shown, not playable yet.
    return (
      <div class="voice-player pending" data-testid="voice-player">
        <span class="voice-time">{length}</span>
        <Waveform peaks={waveform} progress={0} />
      </div>
    );
  }
  const unplayed = !mine && !isPlayed(room, seq);
  const seek = (fraction: number) => {
    const element = audio.current!;
    element.currentTime = Math.max(0, Math.min(1, fraction)) * duration;
    setPosition(element.currentTime);
  };
  const onPointer = (event: TargetedPointerEvent<HTMLDivElement>) => {
    if (event.type === "pointermove" && event.buttons !== 1) return;
    const box = event.currentTarget.getBoundingClientRect();
    seek((event.clientX - box.left) / box.width);
  };
  const label = t("voice.message", { duration: length });
  return (
    <div
      class={unplayed ? "voice-player unplayed" : "voice-player"}
      role="group"
      aria-label={label}
      data-testid="voice-player"
      data-played={unplayed ? "false" : "true"}
    >
      <button
        type="button"
        class="voice-play"
        aria-label={t(playing ? "voice.pause" : "voice.play")}
        data-testid="voice-play"
        onClick={() => playing ? audio.current!.pause() : slot.current!.play()}
      >
        <Icon icon={playing ? pauseIcon : playIcon} size={18} />
      </button>
      <div
        class="voice-seek"
        role="slider"
        tabIndex={0}
        aria-label={t("voice.seek")}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(position)}
        aria-valuetext={formatDuration(position)}
        onPointerDown={onPointer}
        onPointerMove={onPointer}
        onKeyDown={(event) => {
          const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
          if (step === 0 || duration === 0) return;
          event.preventDefault();
          seek((position + step * KEY_STEP_SECONDS) / duration);
        }}
      >
        <Waveform peaks={waveform} progress={duration > 0 ? position / duration : 0} />
      </div>
      <span class="voice-time" data-testid="voice-duration">
        {playing || position > 0 ? formatDuration(position) : length}
      </span>
      <button
        type="button"
        class="voice-speed"
        aria-label={t("voice.speed", { speed: `${SPEEDS[speed]}×` })}
        data-testid="voice-speed"
        onClick={() => {
          const next = (speed + 1) % SPEEDS.length;
          setSpeed(next);
          audio.current!.playbackRate = SPEEDS[next]!;
        }}
      >
        {SPEEDS[speed]}×
      </button>
      {unplayed && <span class="voice-unplayed" title={t("voice.unplayed")} />}
      <audio
        ref={audio}
        src={attachmentUrl(room, seq, attachment.id)}
        preload="none"
        data-testid="voice-audio"
        onPlay={(event) => {
          event.currentTarget.playbackRate = SPEEDS[speed]!;
          setPlaying(true);
          startedPlaying(slot.current!);
        }}
        onPause={() => setPlaying(false)}
        onTimeUpdate={(event) => setPosition(event.currentTarget.currentTime)}
        onEnded={() => {
          setPlaying(false);
          setPosition(0);
          finishedPlaying(slot.current!);
        }}
      />
    </div>
  );
}

/** The bars of a waveform; those before `progress` (0 to 1) in the played colour. */
function Waveform({ peaks, progress }: { peaks: readonly number[]; progress: number }) {
  const playedBars = Math.round(progress * peaks.length);
  const width = Math.max(1, peaks.length) * BAR_STEP;
  return (
    <svg
      class="waveform"
      viewBox={`0 0 ${width} ${BAR_HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      data-testid="voice-waveform"
    >
      {peaks.map((peak, index) => {
        const height = Math.max(MIN_BAR, Math.round(peak / WAVEFORM_MAX * BAR_HEIGHT));
        return (
          <rect
            key={index}
            class={index < playedBars ? "played" : undefined}
            x={index * BAR_STEP}
            y={(BAR_HEIGHT - height) / 2}
            width={BAR_STEP - 1}
            height={height}
            rx={1}
          />
        );
      })}
    </svg>
  );
}
