/**
 * Browser tests of what changes during a call, two friends in separate Chromium contexts with
 * fake devices against a real server: choosing another microphone and camera in the call's
 * device menu replaces the tracks being sent, and a network drop (the browser goes offline, so
 * the chat's WebSocket is dropped) shows "reconnecting", then the call is carried on the new
 * socket with an ICE restart, media still flowing and no summary written.
 *
 * Chromium's fake capture lists three microphones ("Fake Default Audio Input", "Fake Audio
 * Input 1" and "2") and, with `device-count=3`, cameras `fake_device_0` to `fake_device_2`:
 * real devices of the browser, so the switch is not simulated. They all make the same beep and
 * pattern, so the remote side cannot tell which one it hears: what is proved is that the
 * sender's track is the chosen device and that the remote keeps receiving from it.
 *
 * Set `SCREENSHOT_DIR` to save a screenshot of the call while it reconnects.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  eventually,
  FAKE_MEDIA_ARGS,
  screenshot,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { audioArrives, audioPackets, callPhase, friendsInDm } from "./helpers/call_pages.ts";

/**
 * Fake media with three cameras. The second, `fake_device_1`, is not used: it plays in a
 * `<video>` but a peer connection sends none of its frames (measured here with Chromium 156; it
 * seems to be Chromium's fake 16-bit depth camera), while `fake_device_2` is sent like the first.
 */
const FAKE_CAMERAS_ARGS = [
  "--use-fake-device-for-media-stream=device-count=3",
  "--use-fake-ui-for-media-stream",
];

/** A track this page sends on its first peer connection. */
interface SentTrack {
  kind: string;
  label: string;
  deviceId: string;
  readyState: string;
}

/** The tracks this page's first peer connection sends (`getSenders()`), audio first. */
function sentTracks(page: Page): Promise<SentTrack[]> {
  return page.evaluate(() => {
    const session = (globalThis as {
      chatCall?: { peerConnection: RTCPeerConnection | null };
    }).chatCall;
    return (session?.peerConnection?.getSenders() ?? [])
      .flatMap(({ track }) => track ? [track] : [])
      .map((track) => ({
        kind: track.kind,
        label: track.label,
        deviceId: track.getSettings().deviceId ?? "",
        readyState: track.readyState,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
  });
}

/** Video frames decoded so far on this page's first peer connection. */
function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const session = (globalThis as {
      chatCall?: { peerConnection: RTCPeerConnection | null };
    }).chatCall;
    let frames = 0;
    (await session?.peerConnection?.getStats())?.forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "video") frames += report.framesDecoded;
    });
    return frames;
  });
}

/** The ICE username fragment of this page's local description (new after an ICE restart). */
function localUfrag(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const session = (globalThis as {
      chatCall?: { peerConnection: RTCPeerConnection | null };
    }).chatCall;
    return /a=ice-ufrag:(\S+)/.exec(session?.peerConnection?.localDescription?.sdp ?? "")?.[1];
  });
}

/** Starts recording every phase the page's call view goes through, in `globalThis.callPhases`. */
async function recordPhases(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = globalThis as {
      chatCall?: { call: { subscribe(fn: (call: { phase: string } | null) => void): void } };
      callPhases?: string[];
    };
    scope.callPhases = [];
    scope.chatCall!.call.subscribe((call) => scope.callPhases!.push(call?.phase ?? "none"));
  });
}

function recordedPhases(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as { callPhases?: string[] }).callPhases ?? []);
}

Deno.test("choosing another microphone and camera in the call's device menu switches the tracks sent, and the friend keeps receiving", () =>
  withBrowserChat(
    async (chat) => {
      const { alice, bob } = await friendsInDm(chat);
      await alice.page.getByTestId("call-video").click();
      await bob.page.getByTestId("call-accept").click();
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      await audioArrives(bob.page);
      const [audioBefore, videoBefore] = await sentTracks(alice.page);
      assert.equal(audioBefore?.label, "Fake Default Audio Input");
      assert.equal(videoBefore?.label, "fake_device_0");

      await alice.page.getByTestId("call-devices-toggle").click();
      const microphone = alice.page.getByTestId("call-microphone");
      const camera = alice.page.getByTestId("call-camera-device");
      await microphone.selectOption({ label: "Fake Audio Input 1" });
      await camera.selectOption({ label: "fake_device_2" });
      await eventually(async () => {
        const [audio, video] = await sentTracks(alice.page);
        assert.equal(audio?.label, "Fake Audio Input 1");
        assert.equal(video?.label, "fake_device_2");
        assert.notEqual(audio?.deviceId, audioBefore?.deviceId);
        assert.notEqual(video?.deviceId, videoBefore?.deviceId);
        assert.deepEqual([audio?.readyState, video?.readyState], ["live", "live"]);
      });
      // The menu shows the devices now in use.
      assert.equal(
        await microphone.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text),
        "Fake Audio Input 1",
      );
      assert.equal(
        await camera.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text),
        "fake_device_2",
      );

      // Sent from the new devices: Bob's packet and frame counts keep rising after the switch.
      const [packets] = await audioPackets(bob.page);
      const frames = await framesDecoded(bob.page);
      await audioArrives(bob.page, packets! + 25);
      await eventually(async () => {
        const now = await framesDecoded(bob.page);
        assert.ok(now > frames + 10, `frames decoded ${frames} → ${now}`);
      });
      await callPhase(alice.page, "connected");
    },
    {},
    FAKE_CAMERAS_ARGS,
  ));

Deno.test("a network drop during a call shows reconnecting, then the call recovers with an ICE restart and no summary is written", () =>
  withBrowserChat(
    async (chat) => {
      const { alice, bob } = await friendsInDm(chat);
      await alice.page.getByTestId("call-voice").click();
      await bob.page.getByTestId("call-accept").click();
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      await Promise.all([audioArrives(alice.page), audioArrives(bob.page)]);
      const ufrags = await Promise.all([localUfrag(alice.page), localUfrag(bob.page)]);
      await recordPhases(bob.page);

      await bob.context.setOffline(true);
      await waitForConnection(bob.page, "offline", "reconnecting");
      await callPhase(bob.page, "reconnecting");
      await screenshot(bob.page, "call-reconnecting");
      await bob.context.setOffline(false);
      await waitForConnection(bob.page, "online");

      // Carried on Bob's new socket, ICE restarted (new credentials on both sides), connected.
      await eventually(async () => {
        const now = await Promise.all([localUfrag(alice.page), localUfrag(bob.page)]);
        assert.ok(now[0] !== ufrags[0] && now[1] !== ufrags[1], `ufrags ${ufrags} → ${now}`);
      });
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      const phases = await recordedPhases(bob.page);
      assert.deepEqual(phases.slice(phases.indexOf("reconnecting")).at(-1), "connected");
      assert.ok(!phases.includes("ended"), `Bob's phases: ${phases}`);
      const [alicePackets] = await audioPackets(alice.page);
      const [bobPackets] = await audioPackets(bob.page);
      await Promise.all([
        audioArrives(alice.page, alicePackets! + 25),
        audioArrives(bob.page, bobPackets! + 25),
      ]);
      for (const { page } of [alice, bob]) {
        const calls = page.getByTestId("system-message").locator("span").filter({
          hasText: /call/i,
        });
        assert.equal(await calls.count(), 0, "a summary was written");
      }

      // The call goes on: hanging up now writes its one summary.
      await alice.page.getByTestId("call-hangup").click();
      await Promise.all([callPhase(alice.page, "ended"), callPhase(bob.page, "ended")]);
      for (const { page } of [alice, bob]) {
        const summaries = page.getByTestId("system-message").locator("span").filter({
          hasText: /^Call, \d+:\d\d$/,
        });
        await summaries.first().waitFor();
        assert.equal(await summaries.count(), 1);
      }
    },
    {},
    FAKE_MEDIA_ARGS,
  ));
