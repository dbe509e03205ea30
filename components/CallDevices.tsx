import { useEffect, useState } from "preact/hooks";
import type { CallSession } from "../client/calls/call_session.ts";
import { useI18n } from "./i18n_context.ts";

/** The devices of one kind the browser lists. */
type DeviceLists = Record<"audioinput" | "videoinput" | "audiooutput", MediaDeviceInfo[]>;

/** Whether this browser can choose where audio plays (`HTMLMediaElement.setSinkId`). */
const CAN_CHOOSE_SPEAKER = typeof HTMLMediaElement !== "undefined" &&
  "setSinkId" in HTMLMediaElement.prototype;

/**
 * The call's device choice: microphone, camera (when the call sends video) and speaker (where the
 * browser supports `setSinkId`). A choice replaces the track on every connection without
 * renegotiating (`CallSession.useInput`), or routes every call `<video>` to the speaker
 * (`CallSession.sinkId`). Lists refresh when a device is plugged in or out.
 */
export default function CallDevices({ session }: { session: CallSession }) {
  const { t } = useI18n();
  const [devices, setDevices] = useState<DeviceLists | null>(null);
  useEffect(() => {
    const media = navigator.mediaDevices;
    const read = async () => {
      const all = await media.enumerateDevices();
      setDevices({
        audioinput: all.filter((d) => d.kind === "audioinput"),
        videoinput: all.filter((d) => d.kind === "videoinput"),
        audiooutput: all.filter((d) => d.kind === "audiooutput"),
      });
    };
    void read();
    media.addEventListener("devicechange", read);
    return () => media.removeEventListener("devicechange", read);
  }, []);
  if (!devices) return null;
  const local = session.localStream.value;
  const inUse = (kind: "audio" | "video") =>
    (kind === "audio" ? local?.getAudioTracks() : local?.getVideoTracks())?.[0]?.getSettings()
      .deviceId ?? "";
  const picker = (
    label: string,
    testId: string,
    list: MediaDeviceInfo[],
    value: string,
    choose: (id: string) => void,
  ) => (
    <label class="call-device">
      <span>{label}</span>
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => choose((e.target as HTMLSelectElement).value)}
      >
        {list.map((device, i) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
  const hasVideo = (local?.getVideoTracks().length ?? 0) > 0;
  return (
    <div class="call-devices" data-testid="call-devices">
      {picker(
        t("call.microphone"),
        "call-microphone",
        devices.audioinput,
        inUse("audio"),
        (id) => void session.useInput("audio", id),
      )}
      {hasVideo &&
        picker(
          t("call.camera"),
          "call-camera-device",
          devices.videoinput,
          inUse("video"),
          (id) => void session.useInput("video", id),
        )}
      {CAN_CHOOSE_SPEAKER && devices.audiooutput.length > 0 &&
        picker(
          t("call.speaker"),
          "call-speaker",
          devices.audiooutput,
          session.sinkId.value,
          (id) => session.sinkId.value = id,
        )}
    </div>
  );
}
