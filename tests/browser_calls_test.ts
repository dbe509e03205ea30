/**
 * Browser tests of calls: two users in separate Chromium contexts with fake microphones and
 * cameras, friends with a direct conversation, against a real server. A voice call rings the
 * callee, connects both sides with audio flowing (`getStats()`), and hanging up ends both and
 * logs the call; a declined video call logs that.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of the incoming call and the call view.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { FAKE_MEDIA_ARGS, screenshot, withBrowserChat } from "./helpers/browser.ts";
import { audioArrives, callPhase, friendsInDm } from "./helpers/call_pages.ts";
import { startTurnServer } from "./helpers/turn_server.ts";

const PHONE = { width: 390, height: 800 };

/** The system message whose text matches `text`. */
function systemMessage(page: Page, text: RegExp) {
  return page.getByTestId("system-message").locator("span").filter({ hasText: text }).first();
}

Deno.test("a voice call rings the friend, connects both sides with audio flowing, and hanging up ends both and logs the call", () =>
  withBrowserChat(
    async (chat) => {
      const { alice, bob } = await friendsInDm(chat);
      await alice.page.getByTestId("call-voice").click();
      await callPhase(alice.page, "ringing");
      const incoming = bob.page.getByTestId("call-incoming");
      await incoming.waitFor();
      assert.match(await incoming.textContent() ?? "", /alice/);
      await screenshot(bob.page, "call-incoming");
      await bob.page.getByTestId("call-accept").click();
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      await Promise.all([audioArrives(alice.page), audioArrives(bob.page)]);
      await screenshot(alice.page, "call-connected");
      await bob.page.setViewportSize(PHONE);
      await screenshot(bob.page, "call-connected-phone");

      await alice.page.getByTestId("call-hangup").click();
      await Promise.all([callPhase(alice.page, "ended"), callPhase(bob.page, "ended")]);
      for (const page of [alice.page, bob.page]) {
        await systemMessage(page, /^Call, \d+:\d\d$/).waitFor();
      }
    },
    {},
    FAKE_MEDIA_ARGS,
  ));

Deno.test("a declined video call stops the ring and logs the decline on both sides", () =>
  withBrowserChat(
    async (chat) => {
      const { alice, bob } = await friendsInDm(chat);
      await bob.page.setViewportSize(PHONE);
      await alice.page.getByTestId("call-video").click();
      await bob.page.getByTestId("call-incoming").waitFor();
      await callPhase(alice.page, "ringing");
      await screenshot(bob.page, "call-incoming-phone");
      await screenshot(alice.page, "call-ringing");
      await bob.page.getByTestId("call-decline").click();
      await bob.page.getByTestId("call-incoming").waitFor({ state: "detached" });
      await callPhase(alice.page, "ended");
      assert.equal(await alice.page.getByTestId("call-status").textContent(), "Declined");
      for (const page of [alice.page, bob.page]) {
        await systemMessage(page, /^Call from alice declined$/).waitFor();
      }
    },
    {},
    FAKE_MEDIA_ARGS,
  ));

Deno.test("a video call shows the other camera's frames decoded on both sides; mute and camera-off toggle", () =>
  withBrowserChat(
    async (chat) => {
      const { alice, bob } = await friendsInDm(chat);
      await alice.page.getByTestId("call-video").click();
      await bob.page.getByTestId("call-accept").click();
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      for (const { page } of [alice, bob]) {
        await page.waitForFunction(
          async () => {
            const session = (globalThis as {
              chatCall?: { peerConnection: RTCPeerConnection | null };
            }).chatCall;
            const stats = await session?.peerConnection?.getStats();
            let frames = 0;
            stats?.forEach((report) => {
              if (report.type === "inbound-rtp" && report.kind === "video") {
                frames += report.framesDecoded;
              }
            });
            return frames > 0;
          },
          undefined,
          { polling: 250 },
        );
        await page.locator(".call-remote:not([hidden])").waitFor();
      }
      await screenshot(bob.page, "call-video");

      await alice.page.getByTestId("call-mute").click();
      assert.equal(await alice.page.getByTestId("call-mute").getAttribute("aria-pressed"), "true");
      await alice.page.getByTestId("call-camera").click();
      await alice.page.locator(".call-local").waitFor({ state: "detached" });
    },
    {},
    FAKE_MEDIA_ARGS,
  ));

/** The candidate type of the local side of this page's selected candidate pair. */
function selectedLocalCandidateType(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const session = (globalThis as {
      chatCall?: { peerConnection: RTCPeerConnection | null };
    }).chatCall;
    const stats = await session?.peerConnection?.getStats();
    if (!stats) return undefined;
    let pairId: string | undefined;
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) {
        pairId = report.selectedCandidatePairId;
      }
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    return pair ? stats.get(pair.localCandidateId)?.candidateType : undefined;
  });
}

Deno.test("with direct paths forbidden, a call connects through coturn with the credentials the server minted", async () => {
  const turn = await startTurnServer();
  try {
    await withBrowserChat(async (chat) => {
      // `?relay` makes the page's peer connection use iceTransportPolicy "relay".
      const { alice, bob } = await friendsInDm(chat, ["alice", "bob"], "?relay");
      await alice.page.getByTestId("call-voice").click();
      await bob.page.getByTestId("call-accept").click();
      await Promise.all([callPhase(alice.page, "connected"), callPhase(bob.page, "connected")]);
      await Promise.all([audioArrives(alice.page), audioArrives(bob.page)]);
      for (const { page } of [alice, bob]) {
        assert.equal(await selectedLocalCandidateType(page), "relay");
      }
      await bob.page.getByTestId("call-hangup").click();
      await callPhase(alice.page, "ended");
    }, {
      config: {
        ice: { stunUrls: [], turnUrls: [turn.url], turnSecret: turn.secret, turnTtlSeconds: 600 },
      },
    }, FAKE_MEDIA_ARGS);
  } finally {
    await turn.stop();
  }
});
