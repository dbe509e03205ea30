import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { effect } from "@preact/signals";
import type { ChatClient } from "../client/chat_client.ts";
import type { CallHost } from "../client/calls/call_host.ts";
import { CallSession, type ShownCall } from "../client/calls/call_session.ts";
import { audioLevel } from "../client/calls/audio_level.ts";
import { chime } from "../client/notify/chime.ts";
import { formatDuration } from "../client/recording/format_duration.ts";
import type { PublicProfile, PublicUser } from "../lib/common/api_types.ts";
import type { MessageKey } from "../lib/common/i18n/translate.ts";
import Avatar from "./Avatar.tsx";
import CallDevices from "./CallDevices.tsx";
import Icon from "./Icon.tsx";
import { Phone, Settings, Video } from "./icons.ts";
import { Mic, MicOff, PhoneOff, VideoOff } from "./lazy_icons.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode CallLayer}. */
export interface CallLayerProps {
  host: CallHost;
  client: ChatClient;
  user: PublicUser;
  /** The profile (display name, avatar) of a user the reader knows, if any. */
  profileOf?: (id: string) => PublicProfile | undefined;
}

/** A ringtone: the notification chime every 1.5 s while it rings (Web Audio, no file). */
const RING_EVERY_MS = 1500;

/**
 * Calls in this tab: the incoming-call dialog (caller's name and avatar, a ringtone, accept and
 * decline) and the call view (state, timer, remote and local video, mute, camera, hang up, a
 * ring around the peer's picture while they speak). Loaded lazily by {@linkcode CallHost}.
 */
export default function CallLayer({ host, client, user, profileOf }: CallLayerProps) {
  const session = useMemo(() => new CallSession(client, user), [client]);
  useEffect(() =>
    host.attach({
      receive: (f) => session.receive(f),
      place: (r) => {
        void (r.peer
          ? session.place(r.room, r.peer, r.media)
          : session.joinGroup(r.room, r.media, r.join));
      },
    }), [host, session]);
  useEffect(() => {
    let was = client.status.peek().state;
    return effect(() => {
      const now = client.status.value.state;
      if (now === "online" && was !== "online") session.reconnected();
      else if (now !== "online" && was === "online") session.socketLost();
      was = now;
    });
  }, [client, session]);
  // The page's test hook: the peer connection, for `getStats()`.
  useEffect(() => {
    (globalThis as { chatCall?: CallSession }).chatCall = session;
  }, [session]);
  const call = session.call.value;
  const problem = session.problem.value;
  if (!call) {
    return problem
      ? <CallProblem keyName={problem} onClose={() => session.problem.value = null} />
      : null;
  }
  if (call.view.group) {
    return <GroupCallView call={call} session={session} me={user} profileOf={profileOf} />;
  }
  const profile = profileOf?.(call.peer.id);
  if (call.incoming && call.phase === "ringing" && !call.mine) {
    return <IncomingCall call={call} session={session} avatarUrl={profile?.avatarUrl} />;
  }
  return <CallView call={call} session={session} avatarUrl={profile?.avatarUrl} />;
}

function CallProblem({ keyName, onClose }: { keyName: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <div class="call-problem" role="alert" data-testid="call-problem">
      {t(keyName as MessageKey)}
      <button type="button" class="button secondary" onClick={onClose}>{t("call.close")}</button>
    </div>
  );
}

function IncomingCall(
  { call, session, avatarUrl }: { call: ShownCall; session: CallSession; avatarUrl?: string },
) {
  const { t } = useI18n();
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    accept.current?.focus();
    chime();
    const timer = setInterval(chime, RING_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const video = call.view.media === "video";
  return (
    <div
      class="call-incoming"
      role="alertdialog"
      aria-labelledby="call-incoming-title"
      data-testid="call-incoming"
    >
      <Avatar id={call.peer.id} name={call.peer.name} url={avatarUrl} />
      <div class="call-incoming-text">
        <strong id="call-incoming-title">{call.peer.name}</strong>
        <span>{t(video ? "call.incomingVideo" : "call.incomingVoice")}</span>
      </div>
      <div class="call-buttons">
        <button
          type="button"
          class="call-button decline"
          aria-label={t("call.decline")}
          title={t("call.decline")}
          data-testid="call-decline"
          onClick={() => session.hangUp()}
        >
          <Icon icon={PhoneOff} />
        </button>
        <button
          ref={accept}
          type="button"
          class="call-button accept"
          aria-label={t("call.accept")}
          title={t("call.accept")}
          data-testid="call-accept"
          onClick={() => void session.accept()}
        >
          <Icon icon={video ? Video : Phone} />
        </button>
      </div>
    </div>
  );
}

function CallView(
  { call, session, avatarUrl }: { call: ShownCall; session: CallSession; avatarUrl?: string },
) {
  const { t } = useI18n();
  const remote = session.remoteStream.value;
  const local = session.localStream.value;
  const cameraOn = session.cameraOn.value;
  const speaking = useSpeaking(remote);
  const elapsed = useElapsed(call.connectedAt);
  const remoteVideo = (remote?.getVideoTracks().length ?? 0) > 0;
  const status = call.phase === "connected"
    ? formatDuration(elapsed)
    : call.phase === "ended"
    ? t(`call.ended.${call.view.reason ?? "hangup"}` as MessageKey)
    : t(`call.${call.phase}` as MessageKey);
  return (
    <section
      class={`call-view${remoteVideo ? " with-video" : ""}`}
      aria-label={t("call.with", { name: call.peer.name })}
      data-testid="call-view"
      data-phase={call.phase}
    >
      <MediaOut
        stream={remote}
        class="call-remote"
        muted={false}
        hidden={!remoteVideo}
        sinkId={session.sinkId.value}
      />
      {!remoteVideo && (
        <div class={`call-peer${speaking ? " speaking" : ""}`} data-testid="call-peer">
          <Avatar id={call.peer.id} name={call.peer.name} url={avatarUrl} />
        </div>
      )}
      <div class="call-info">
        <strong>{call.peer.name}</strong>
        <span role="status" data-testid="call-status">{status}</span>
      </div>
      {local && cameraOn && <MediaOut stream={local} class="call-local" muted />}
      <CallControls call={call} session={session} />
    </section>
  );
}

/** Mute, camera, devices and hang up (or close, once ended). */
function CallControls({ call, session }: { call: ShownCall; session: CallSession }) {
  const { t } = useI18n();
  const muted = session.muted.value;
  const cameraOn = session.cameraOn.value;
  const [devicesOpen, setDevicesOpen] = useState(false);
  return (
    <>
      {devicesOpen && call.phase !== "ended" && <CallDevices session={session} />}
      <div class="call-buttons">
        {call.phase !== "ended" && (
          <>
            <button
              type="button"
              class="call-button"
              aria-pressed={muted}
              aria-label={t(muted ? "call.unmute" : "call.mute")}
              title={t(muted ? "call.unmute" : "call.mute")}
              data-testid="call-mute"
              onClick={() => session.toggleMute()}
            >
              <Icon icon={muted ? MicOff : Mic} />
            </button>
            <button
              type="button"
              class="call-button"
              aria-pressed={cameraOn}
              aria-label={t(cameraOn ? "call.cameraOff" : "call.cameraOn")}
              title={t(cameraOn ? "call.cameraOff" : "call.cameraOn")}
              data-testid="call-camera"
              onClick={() => void session.toggleCamera()}
            >
              <Icon icon={cameraOn ? Video : VideoOff} />
            </button>
            <button
              type="button"
              class="call-button"
              aria-pressed={devicesOpen}
              aria-label={t("call.devices")}
              title={t("call.devices")}
              data-testid="call-devices-toggle"
              onClick={() => setDevicesOpen(!devicesOpen)}
            >
              <Icon icon={Settings} />
            </button>
          </>
        )}
        <button
          type="button"
          class="call-button decline"
          aria-label={t(call.phase === "ended" ? "call.close" : "call.hangUp")}
          title={t(call.phase === "ended" ? "call.close" : "call.hangUp")}
          data-testid="call-hangup"
          onClick={() => call.phase === "ended" ? session.dismiss() : session.hangUp()}
        >
          <Icon icon={PhoneOff} />
        </button>
      </div>
    </>
  );
}

/**
 * A group call: a tile per participant (their video, or their picture with a ring while they
 * speak), this tab's own camera among them, the count and timer, and the controls.
 */
function GroupCallView(
  { call, session, me, profileOf }: {
    call: ShownCall;
    session: CallSession;
    me: PublicUser;
    profileOf?: (id: string) => PublicProfile | undefined;
  },
) {
  const { t } = useI18n();
  const streams = session.remoteStreams.value;
  const local = session.localStream.value;
  const elapsed = useElapsed(call.connectedAt);
  const others = call.view.participants.filter((id) => id !== me.id);
  const status = call.phase === "connected"
    ? formatDuration(elapsed)
    : call.phase === "ended"
    ? t("call.ended.hangup")
    : t(`call.${call.phase}` as MessageKey);
  return (
    <section
      class="call-view group"
      aria-label={t("call.group")}
      data-testid="call-view"
      data-phase={call.phase}
    >
      <div class="call-info">
        <strong>{t("call.inProgress", { count: call.view.participants.length })}</strong>
        <span role="status" data-testid="call-status">{status}</span>
      </div>
      {call.phase !== "ended" && (
        <ul class="call-tiles" data-testid="call-tiles">
          <li class="call-tile" data-testid="call-tile">
            <Tile
              id={me.id}
              name={t("call.you")}
              stream={local}
              avatarUrl={profileOf?.(me.id)?.avatarUrl}
              self
            />
          </li>
          {others.map((id) => {
            const profile = profileOf?.(id);
            return (
              <li key={id} class="call-tile" data-testid="call-tile">
                <Tile
                  id={id}
                  name={profile?.displayName || call.view.names?.[id] || "…"}
                  stream={streams.get(id) ?? null}
                  avatarUrl={profile?.avatarUrl}
                  sinkId={session.sinkId.value}
                />
              </li>
            );
          })}
        </ul>
      )}
      <CallControls call={call} session={session} />
    </section>
  );
}

/** One participant of a group call: video when they send it, else their picture. */
function Tile(
  { id, name, stream, avatarUrl, self, sinkId }: {
    id: string;
    name: string;
    stream: MediaStream | null;
    avatarUrl?: string;
    self?: boolean;
    /** The chosen speaker. */
    sinkId?: string;
  },
) {
  const video = stream?.getVideoTracks().some((track) => track.enabled) ?? false;
  const speaking = useSpeaking(self ? null : stream);
  return (
    <>
      <MediaOut
        stream={stream}
        class="call-tile-video"
        muted={!!self}
        hidden={!video}
        sinkId={sinkId}
      />
      {!video && (
        <div class={`call-peer${speaking ? " speaking" : ""}`}>
          <Avatar id={id} name={name} url={avatarUrl} />
        </div>
      )}
      <span class="call-tile-name">{name}</span>
    </>
  );
}

/** A `<video>` playing `stream` (also the remote audio, when it has no video). */
function MediaOut(
  props: {
    stream: MediaStream | null;
    class: string;
    muted: boolean;
    hidden?: boolean;
    sinkId?: string;
  },
) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== props.stream) ref.current.srcObject = props.stream;
  }, [props.stream]);
  useEffect(() => {
    const element = ref.current as (HTMLVideoElement & { setSinkId?(id: string): Promise<void> });
    if (props.sinkId !== undefined && element?.setSinkId) {
      element.setSinkId(props.sinkId).catch(() => {});
    }
  }, [props.sinkId]);
  return (
    <video
      ref={ref}
      class={props.class}
      autoplay
      playsInline
      muted={props.muted}
      hidden={props.hidden}
      aria-hidden="true"
    />
  );
}

/** Whether the peer's audio is above speaking level now (sampled 5 times a second). */
function useSpeaking(stream: MediaStream | null): boolean {
  const [speaking, setSpeaking] = useState(false);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const meter = audioLevel(stream);
    const timer = setInterval(() => setSpeaking(meter.level() > 0.06), 200);
    return () => {
      clearInterval(timer);
      meter.close();
    };
  }, [stream]);
  return speaking;
}

/** Seconds since `since` (clock time), ticking each second; 0 while undefined. */
function useElapsed(since: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (since === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === undefined ? 0 : (now - since) / 1000;
}
