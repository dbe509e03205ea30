import { useEffect, useRef, useState } from "preact/hooks";
import sendIcon from "lucide/dist/esm/icons/send-horizontal.mjs";
import stopIcon from "lucide/dist/esm/icons/square.mjs";
import { formatDuration } from "../client/recording/format_duration.ts";
import {
  type Recorder,
  RecordingError,
  type RecordingErrorKey,
  startRecorder,
} from "../client/recording/recorder.ts";
import type { Recording } from "../client/recording/send_recording.ts";
import { analyseRecording } from "../client/recording/waveform.ts";
import type { RecordingKind, RecordingLimits } from "../lib/common/recordings.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";
import { X } from "./icons.ts";

/** Where a hold-to-talk gesture is: held, held but slid away, or ended either way. */
export type HoldGesture = "held" | "away" | "send" | "cancel";

/** Props of {@linkcode RecorderPanel}. */
export interface RecorderPanelProps {
  kind: RecordingKind;
  /** The longest recordings; the panel stops and sends at the limit. */
  limits: RecordingLimits;
  /** Hold-to-talk (touch): the gesture drives the panel; absent: click to send, Esc cancels. */
  hold?: HoldGesture;
  /** Called once: with the recording to send, or `null` (cancelled, or `error` happened). */
  onDone: (recording: Recording | null, error?: RecordingErrorKey) => void;
}

/** How often the timer and level meter redraw, in milliseconds. */
const TICK_MS = 100;
/** Bars of the level meter. */
const METER_BARS = 12;

/**
 * The recorder, over the composer while recording: the elapsed time against the limit, a live
 * level meter, the camera's picture for a video message, and Cancel and Send (or, for a video
 * on a desktop, Stop, then a preview to send or drop). Escape cancels.
 */
export default function RecorderPanel({ kind, limits, hold, onDone }: RecorderPanelProps) {
  const { t } = useI18n();
  const recorder = useRef<Recorder | null>(null);
  const started = useRef(0);
  const done = useRef(false);
  const live = useRef<HTMLVideoElement>(null);
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const [ready, setReady] = useState(false);
  const [preview, setPreview] = useState<{ recording: Recording; url: string } | null>(null);
  const max = kind === "voice" ? limits.voiceMaxSeconds : limits.videoMaxSeconds;
  const latestHold = useRef(hold);
  latestHold.current = hold;

  const finish = (recording: Recording | null, error?: RecordingErrorKey) => {
    if (done.current) return;
    done.current = true;
    onDone(recording, error);
  };
  const cancel = () => {
    recorder.current?.cancel();
    recorder.current = null;
    finish(null);
  };
  /** Stops; sends at once, or (a video on a desktop) shows the preview first. */
  const stop = async (send: boolean) => {
    const active = recorder.current;
    if (!active || done.current) return;
    recorder.current = null;
    const seconds = (performance.now() - started.current) / 1000;
    const blob = await active.stop();
    const measured = await analyseRecording(blob);
    const recording: Recording = {
      blob,
      media: {
        kind,
        duration: Math.min(measured?.duration || seconds, max),
        ...(kind === "voice" && measured ? { waveform: measured.waveform } : {}),
      },
    };
    if (send) finish(recording);
    else setPreview({ recording, url: URL.createObjectURL(blob) });
  };

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    startRecorder(kind).then((active) => {
      // A finger lifted before the microphone was ready: a tap, not a message (as in WeChat).
      const ended = latestHold.current === "send" || latestHold.current === "cancel";
      if (done.current || ended) {
        active.cancel();
        return finish(null);
      }
      recorder.current = active;
      started.current = performance.now();
      setReady(true);
      if (live.current) live.current.srcObject = active.stream;
      timer = setInterval(() => {
        // Stopped (a video waiting in its preview): the timer shows the recorded length.
        if (recorder.current !== active) return clearInterval(timer);
        const seconds = (performance.now() - started.current) / 1000;
        setElapsed(seconds);
        setLevel(active.level());
        if (seconds >= max) void stop(true);
      }, TICK_MS);
    }, (error) => finish(null, error instanceof RecordingError ? error.key : "voice.failed"));
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") cancel();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      clearInterval(timer);
      document.removeEventListener("keydown", onKey);
      recorder.current?.cancel();
    };
  }, []);

  useEffect(() => {
    if (hold === "send") void stop(true);
    if (hold === "cancel") cancel();
  }, [hold]);

  useEffect(() => () => preview && URL.revokeObjectURL(preview.url), [preview]);

  const hint = hold === "away"
    ? t("voice.releaseToCancel")
    : hold
    ? t("voice.slideToCancel")
    : t("voice.escToCancel");
  const lit = Math.round(Math.min(1, level * 1.5) * METER_BARS);
  return (
    <div
      class={`recorder recorder-${kind}${hold === "away" ? " away" : ""}`}
      role="group"
      aria-label={t(kind === "voice" ? "voice.recording" : "video.recording")}
      data-testid="recorder"
      data-ready={ready ? "true" : "false"}
    >
      {kind === "video" && !preview && (
        <video ref={live} class="recorder-live" muted autoplay playsInline />
      )}
      {preview && (
        <video
          class="recorder-live"
          src={preview.url}
          controls
          playsInline
          aria-label={t("video.preview")}
          data-testid="recorder-preview"
        />
      )}
      <div class="recorder-bar">
        <button
          type="button"
          class="icon-button"
          aria-label={t("voice.cancel")}
          title={t("voice.cancel")}
          data-testid="recorder-cancel"
          onClick={cancel}
        >
          <Icon icon={X} />
        </button>
        {!preview && <span class="recorder-dot" aria-hidden="true" />}
        <span class="recorder-time" data-testid="recorder-time" role="timer">
          {ready ? `${formatDuration(elapsed)} / ${formatDuration(max)}` : t("voice.starting")}
        </span>
        {!preview && (
          <span
            class="recorder-meter"
            role="meter"
            aria-label={t("voice.level")}
            aria-valuemin={0}
            aria-valuemax={METER_BARS}
            aria-valuenow={lit}
          >
            {Array.from(
              { length: METER_BARS },
              (_, index) => <span key={index} class={index < lit ? "lit" : undefined} />,
            )}
          </span>
        )}
        <span class="recorder-hint">{hint}</span>
        {!hold && kind === "video" && !preview && (
          <button
            type="button"
            class="icon-button"
            aria-label={t("voice.stop")}
            title={t("voice.stop")}
            data-testid="recorder-stop"
            disabled={!ready}
            onClick={() => void stop(false)}
          >
            <Icon icon={stopIcon} />
          </button>
        )}
        {!hold && (kind === "voice" || preview) && (
          <button
            type="button"
            class="button recorder-send"
            aria-label={t("voice.send")}
            data-testid="recorder-send"
            disabled={!ready && !preview}
            onClick={() => preview ? finish(preview.recording) : void stop(true)}
          >
            <Icon icon={sendIcon} size={18} />
          </button>
        )}
      </div>
    </div>
  );
}
