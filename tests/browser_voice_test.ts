/**
 * Browser tests of voice and video messages: two users in headless Chromium with a fake
 * microphone (a beep each second) and camera (a test pattern), against a real server. A
 * recording reaches the other side with its length and waveform and plays there; a cancelled
 * one sends nothing; one made offline with hold-to-talk on a phone-sized page waits in the
 * outbox and arrives once; a video message plays, muted, then with sound when tapped; one the
 * server refuses fails in the timeline with the reason in the reader's language.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of the recorder and the players.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { en } from "../lib/common/i18n/en.ts";
import { type Config, readConfig } from "../lib/server/config.ts";
import { translator } from "../lib/common/i18n/catalogues.ts";
import {
  type BrowserChat,
  createRoomThroughForm,
  DESKTOP_PAIR,
  eventually,
  FAKE_MEDIA_ARGS,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  twoUsersInRoom,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

const PHONE = { width: 390, height: 800 };
/** An upload limit every recording is over: the server refuses it at the upload's start (413). */
const TINY_UPLOAD_BYTES = 1000;
/** Server pings every second, so a page whose network is gone notices within seconds. */
const FAST_HEARTBEAT: Partial<Config> = { heartbeatMs: 1_000 };
/** Reconnecting waits out a jittered backoff; generous for loaded CI machines. */
const RECONNECT_TIMEOUT_MS = 20_000;

function withMediaChat(fn: (chat: BrowserChat) => Promise<void>, config: Partial<Config> = {}) {
  return withBrowserChat(fn, { config }, FAKE_MEDIA_ARGS);
}

/** Waits until the recorder has the device and its timer reads at least `seconds`. */
async function recordFor(page: Page, seconds: number): Promise<void> {
  await page.locator("[data-testid=recorder][data-ready=true]").waitFor();
  await page.waitForFunction((wanted) => {
    const text = document.querySelector("[data-testid=recorder-time]")?.textContent ?? "";
    const [minutes, secs] = text.split(" / ")[0]!.split(":").map(Number);
    return minutes! * 60 + secs! >= wanted;
  }, seconds);
}

/** The timeline's messages that carry a voice player. */
function voiceMessages(page: Page): Locator {
  return page.getByTestId("message").filter({ has: page.getByTestId("voice-player") });
}

/** Fires a finger's pointer event on the element (`pointerType: "touch"`). */
async function touch(target: Locator, type: string, dx = 0, dy = 0): Promise<void> {
  await target.evaluate((element, { type, dx, dy }) => {
    const box = element.getBoundingClientRect();
    element.dispatchEvent(
      new PointerEvent(type, {
        pointerType: "touch",
        pointerId: 7,
        isPrimary: true,
        bubbles: true,
        cancelable: true,
        buttons: type === "pointerup" ? 0 : 1,
        clientX: box.x + box.width / 2 + dx,
        clientY: box.y + box.height / 2 + dy,
      }),
    );
  }, { type, dx, dy });
}

Deno.test("a voice message of about 3 s shows its length and waveform at the other side and plays there", () =>
  withMediaChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "voices", DESKTOP_PAIR);
    await alice.page.getByTestId("record-voice").click();
    await recordFor(alice.page, 3);
    await screenshot(alice.page, "voice-recording-1280");
    // The timer as the send is pressed, read in the same task: a busy machine may be seconds past 3.
    const shown = await alice.page.evaluate(() => {
      const time = document.querySelector("[data-testid=recorder-time]")?.textContent ?? "";
      document.querySelector<HTMLElement>("[data-testid=recorder-send]")!.click();
      return time.split(" / ")[0]!;
    });
    await alice.page.getByTestId("recorder").waitFor({ state: "detached" });
    const [minutes, seconds] = shown.split(":").map(Number);
    const recorded = minutes! * 60 + seconds!;
    assert.ok(recorded >= 3, `recorded for ${shown}`);

    const player = bob.page.getByTestId("voice-player");
    await player.and(bob.page.locator("[data-played=false]")).waitFor();
    const duration = await player.getByTestId("voice-duration").textContent() ?? "";
    const received = duration.split(":").map(Number);
    assert.ok(
      [recorded, recorded + 1].includes(received[0]! * 60 + received[1]!),
      `the other side shows ${duration} for a recording stopped at ${shown}`,
    );
    const heights = await player.locator("[data-testid=voice-waveform] rect").evaluateAll(
      (bars) => bars.map((bar) => Number(bar.getAttribute("height"))),
    );
    assert.equal(heights.length, 64);
    assert.ok(new Set(heights).size > 1, "the waveform has the beeps' shape, not a flat line");
    // The sender's own message is never marked unplayed.
    await alice.page.getByTestId("voice-player").and(alice.page.locator("[data-played=true]"))
      .waitFor();
    await screenshot(bob.page, "voice-received-1280");

    await player.getByTestId("voice-speed").click();
    assert.equal(await player.getByTestId("voice-speed").textContent(), "1.5×");
    await player.getByTestId("voice-play").click();
    await bob.page.waitForFunction(() => {
      const audio = document.querySelector<HTMLAudioElement>("[data-testid=voice-audio]");
      return audio !== null && audio.currentTime > 0.5 && audio.playbackRate === 1.5;
    });
    await player.and(bob.page.locator("[data-played=true]")).waitFor();
    await screenshot(bob.page, "voice-playing-1280");
  }));

Deno.test("a cancelled recording sends nothing: Escape on a desktop, sliding away on a phone", () =>
  withMediaChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "quiet", DESKTOP_PAIR);
    await alice.page.getByTestId("record-voice").click();
    await recordFor(alice.page, 1);
    await alice.page.keyboard.press("Escape");
    await alice.page.getByTestId("recorder").waitFor({ state: "detached" });

    await alice.page.setViewportSize(PHONE);
    const mic = alice.page.getByTestId("record-voice");
    await touch(mic, "pointerdown");
    await recordFor(alice.page, 1);
    await touch(mic, "pointermove", 0, -120);
    await alice.page.locator("[data-testid=recorder].away").waitFor();
    await screenshot(alice.page, "voice-slide-to-cancel-390");
    await touch(mic, "pointerup", 0, -120);
    await alice.page.getByTestId("recorder").waitFor({ state: "detached" });

    // A message sent after both cancels arrives alone: nothing was sent before it.
    await sendThroughComposer(alice.page, "never mind");
    await bob.page.getByTestId("message").getByText("never mind").waitFor();
    assert.equal(await voiceMessages(bob.page).count(), 0);
    assert.equal(await voiceMessages(alice.page).count(), 0);
  }));

Deno.test("a voice message held and released while offline on a phone is delivered once when back", () =>
  withMediaChat(async (chat) => {
    // Bob reads Chinese: the screenshots show the recorder and the pending message in it.
    const { alice, bob } = await twoUsersInRoom(chat, "tunnel", {
      ...DESKTOP_PAIR,
      bob: { ...DESKTOP_PAIR.bob, locale: "zh-CN" },
    });
    await bob.page.setViewportSize(PHONE);
    // The recorder's code is fetched in the background once the composer shows.
    await bob.page.locator("[data-testid=record-voice][data-loaded=true]").waitFor();
    await bob.context.setOffline(true);
    await waitForConnection(bob.page, "offline", "reconnecting");

    const mic = bob.page.getByTestId("record-voice");
    await touch(mic, "pointerdown");
    await recordFor(bob.page, 2);
    await screenshot(bob.page, "voice-hold-390");
    await touch(mic, "pointerup");
    const pending = voiceMessages(bob.page);
    await pending.and(bob.page.locator("[data-status=pending]")).waitFor();
    await screenshot(bob.page, "voice-offline-pending-390");
    assert.equal(await voiceMessages(alice.page).count(), 0);

    await bob.context.setOffline(false);
    await voiceMessages(alice.page).first().waitFor({ timeout: RECONNECT_TIMEOUT_MS });
    await eventually(async () => {
      assert.equal(await pending.getAttribute("data-status"), "sent");
    }, RECONNECT_TIMEOUT_MS);
    // Once: a message sent after it arrives after it, and the voice message is still alone.
    await sendThroughComposer(bob.page, "back above ground");
    await alice.page.getByTestId("message").getByText("back above ground").waitFor();
    assert.equal(await voiceMessages(alice.page).count(), 1);
    assert.equal(await voiceMessages(bob.page).count(), 1);
    await screenshot(bob.page, "voice-delivered-390");
  }, FAST_HEARTBEAT));

Deno.test("a video message previewed before sending plays at the other side, muted until tapped", () =>
  withMediaChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "clips", DESKTOP_PAIR);
    await alice.page.getByTestId("record-video").click();
    await recordFor(alice.page, 2);
    await screenshot(alice.page, "video-recording-1280");
    await alice.page.getByTestId("recorder-stop").click();
    await alice.page.getByTestId("recorder-preview").waitFor();
    await screenshot(alice.page, "video-preview-1280");
    await alice.page.getByTestId("recorder-send").click();

    const note = bob.page.getByTestId("video-note");
    await note.waitFor();
    await bob.page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>("[data-testid=video-note-video]");
      return video !== null && video.muted && video.currentTime > 0.2;
    });
    await screenshot(bob.page, "video-received-1280");
    await note.click();
    assert.equal(await note.getAttribute("aria-pressed"), "true");
    await bob.page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>("[data-testid=video-note-video]");
      return video !== null && !video.muted && !video.paused && video.currentTime > 0.2;
    });
    await bob.page.setViewportSize(PHONE);
    await screenshot(bob.page, "video-received-390");
  }));

for (const locale of ["en-US", "zh-CN"] as const) {
  Deno.test(`a voice message the server refuses shows why in the timeline, translated (${locale})`, () =>
    withMediaChat(async (chat) => {
      const { page } = await chat.open({ ...DESKTOP_PAIR.alice, locale });
      await registerThroughForm(page, chat.url, "alice");
      await createRoomThroughForm(page, "refusals");
      await page.getByTestId("record-voice").click();
      await recordFor(page, 1);
      await page.getByTestId("recorder-send").click();
      const failed = voiceMessages(page).and(page.locator("[data-status=failed]"));
      const t = translator(locale === "zh-CN" ? "zh-CN" : "en");
      const reason = t("refusal.fileTooLarge", { max: TINY_UPLOAD_BYTES / 1048576 });
      assert.equal(await failed.locator(".error").textContent(), reason);
      assert.notEqual(reason, "refusal.fileTooLarge");
    }, { limits: { ...readConfig({}).limits, maxUploadBytes: TINY_UPLOAD_BYTES } }));
}

Deno.test("a recording that reaches VOICE_MAX_SECONDS stops and is sent by itself", () =>
  withMediaChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "brief", DESKTOP_PAIR);
    await alice.page.getByTestId("record-voice").click();
    await alice.page.getByTestId("recorder-time").getByText("/ 0:02").waitFor();
    // Nobody presses Send: the limit does.
    await alice.page.getByTestId("recorder").waitFor({ state: "detached" });
    const player = bob.page.getByTestId("voice-player");
    await player.waitFor();
    assert.equal(await player.getByTestId("voice-duration").textContent(), "0:02");
  }, { recordings: { voiceMaxSeconds: 2, videoMaxSeconds: 60 } }));

Deno.test("a refused microphone permission is explained in the composer, and nothing is sent", () =>
  withBrowserChat(
    async (chat) => {
      const alice = await chat.open();
      await registerThroughForm(alice.page, chat.url, "alice");
      await createRoomThroughForm(alice.page, "asking");
      // Fake devices, but no fake prompt: headless Chromium answers the permission prompt "no".
      await alice.page.getByTestId("record-voice").click();
      await alice.page.getByRole("alert").getByText(en["voice.denied"]).waitFor();
      await alice.page.getByTestId("recorder").waitFor({ state: "detached" });
      await screenshot(alice.page, "voice-denied-1100");
      assert.equal(await voiceMessages(alice.page).count(), 0);
    },
    {},
    ["--use-fake-device-for-media-stream"],
  ));

Deno.test("a machine without a microphone is told so when recording", () =>
  withBrowserChat(
    async (chat) => {
      const alice = await chat.open();
      await registerThroughForm(alice.page, chat.url, "alice");
      await createRoomThroughForm(alice.page, "no-mic");
      // No fake devices, and the prompt accepted: this machine has no capture device.
      await alice.page.getByTestId("record-voice").click();
      await alice.page.getByRole("alert").getByText(en["voice.noDevice"]).waitFor();
      assert.equal(await voiceMessages(alice.page).count(), 0);
    },
    {},
    ["--use-fake-ui-for-media-stream"],
  ));
