import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatClient } from "../client/chat_client.ts";
import { sendRecording } from "../client/recording/send_recording.ts";
import type { RecordingErrorKey } from "../client/recording/recorder.ts";
import type { RecordingKind, RecordingLimits } from "../lib/common/recordings.ts";
import { useI18n } from "./i18n_context.ts";
import Icon from "./Icon.tsx";
import micIcon from "lucide/dist/esm/icons/mic.mjs";
import videoIcon from "lucide/dist/esm/icons/video.mjs";
import RecorderPanel, { type HoldGesture } from "./RecorderPanel.tsx";

/** Props of {@linkcode RecordButtons}. */
export interface RecordButtonsProps {
  limits: RecordingLimits;
  /** Sends the recordings, through its outbox. */
  client: ChatClient;
  /** The room they go to. */
  room: string;
  /** Shows why a recording could not be made (`null` clears it). */
  onError: (error: RecordingErrorKey | null) => void;
}

/** Pixels a finger may move from the mic before letting go cancels (WeChat's "slide away"). */
const CANCEL_DISTANCE_PX = 60;

/**
 * The microphone and camera buttons of the composer. With a mouse or the keyboard: click to
 * start, then Send or Cancel (or Escape) in the recorder. With a finger on the microphone:
 * hold to talk, let go to send, slide away and let go to cancel. A chunk of its own (with the
 * recorder), fetched when the composer first shows; the browser asks for the device on the
 * first press.
 */
export default function RecordButtons({ limits, client, room, onError }: RecordButtonsProps) {
  const { t } = useI18n();
  const [active, setActive] = useState<{ kind: RecordingKind; hold?: HoldGesture } | null>(null);
  const origin = useRef<{ x: number; y: number } | null>(null);
  // Fetched now, not on the first press: a user who goes offline can still record.
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    void prefetchRecording().then((done) => live && setLoaded(done));
    return () => {
      live = false;
    };
  }, []);
  const start = (kind: RecordingKind, hold?: HoldGesture) => {
    // Not `disabled` while recording: a disabled button gets no pointer events, and the
    // finger holding the mic must still be followed.
    if (active) return;
    onError(null);
    setActive({ kind, hold });
  };
  const setHold = (hold: HoldGesture) =>
    setActive((current) => current?.hold ? { ...current, hold } : current);
  return (
    <>
      <button
        type="button"
        class="icon-button record-button"
        aria-label={t("voice.record")}
        title={`${t("voice.record")} (${t("voice.holdHint")})`}
        data-testid="record-voice"
        data-loaded={loaded ? "true" : "false"}
        onPointerDown={(event) => {
          if (event.pointerType !== "touch") return;
          event.preventDefault();
          // Captured, so the finger is followed (and its release seen) once off the button.
          try {
            event.currentTarget.setPointerCapture(event.pointerId);
          } catch {
            // A pointer the browser does not track (a synthetic event): moves still bubble.
          }
          origin.current = { x: event.clientX, y: event.clientY };
          start("voice", "held");
        }}
        onPointerMove={(event) => {
          if (!origin.current) return;
          const away = Math.hypot(
            event.clientX - origin.current.x,
            event.clientY - origin.current.y,
          ) > CANCEL_DISTANCE_PX;
          setHold(away ? "away" : "held");
        }}
        onPointerUp={() => {
          if (!origin.current) return;
          origin.current = null;
          setActive((current) =>
            current?.hold
              ? { ...current, hold: current.hold === "away" ? "cancel" : "send" }
              : current
          );
        }}
        onPointerCancel={() => {
          if (!origin.current) return;
          origin.current = null;
          setHold("cancel");
        }}
        onContextMenu={(event) => event.preventDefault()}
        onClick={(event) => {
          // A finger's tap already started (and ended) a hold; only mouse and keys click.
          if ((event as unknown as PointerEvent).pointerType === "touch") return;
          start("voice");
        }}
      >
        <Icon icon={micIcon} />
      </button>
      <button
        type="button"
        class="icon-button record-button"
        aria-label={t("video.record")}
        title={t("video.record")}
        data-testid="record-video"
        onClick={() => start("video")}
      >
        <Icon icon={videoIcon} />
      </button>
      {active && (
        <RecorderPanel
          kind={active.kind}
          limits={limits}
          hold={active.hold}
          onDone={(recording, error) => {
            setActive(null);
            if (recording) sendRecording(client, room, recording, t);
            if (error) onError(error);
          }}
        />
      )}
    </>
  );
}

/**
 * Fetches the voice player and the upload code in the background, once per page: a recording
 * made after the network dropped needs both (to show it pending, then to upload it), and
 * cannot fetch them then. The record buttons call it when they are shown.
 *
 * @returns Whether they arrived (false offline: they are fetched on first use instead).
 */
function prefetchRecording(): Promise<boolean> {
  return prefetched ??= Promise.all([
    import("./VoicePlayer.tsx"),
    import("../client/uploads/upload_file.ts"),
  ]).then(() => true, () => {
    prefetched = undefined;
    return false;
  });
}

let prefetched: Promise<boolean> | undefined;
