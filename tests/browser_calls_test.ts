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
import {
  type BrowserChat,
  FAKE_MEDIA_ARGS,
  pageUser,
  registerThroughForm,
  screenshot,
  sessionOf,
  type UserPage,
  withBrowserChat,
} from "./helpers/browser.ts";
import { befriend } from "./helpers/chat_client.ts";
import { startTurnServer } from "./helpers/turn_server.ts";

const PHONE = { width: 390, height: 800 };

/** Alice and Bob, friends, each showing their direct conversation. */
async function friendsInDm(chat: BrowserChat) {
  const alice = await chat.open({ viewport: { width: 1280, height: 800 } });
  const bob = await chat.open({ viewport: { width: 1280, height: 800 } });
  await registerThroughForm(alice.page, chat.url, "alice");
  await registerThroughForm(bob.page, chat.url, "bob");
  await befriend(
    chat.url,
    await sessionOf(alice.context, await pageUser(alice.page)),
    await sessionOf(bob.context, await pageUser(bob.page)),
  );
  await openDm(alice, "bob");
  await openDm(bob, "alice");
  return { alice, bob };
}

async function openDm(user: UserPage, peer: string): Promise<void> {
  const friend = user.page.locator(`[data-testid=friend-item][data-username=${peer}]`);
  await friend.getByTestId("message-friend").click();
  await user.page.getByTestId("room-title").getByText(`@ ${peer}`, { exact: true }).waitFor();
}

/** The system message whose text matches `text`. */
function systemMessage(page: Page, text: RegExp) {
  return page.getByTestId("system-message").locator("span").filter({ hasText: text }).first();
}

function callPhase(page: Page, phase: string) {
  return page.locator(`[data-testid=call-view][data-phase=${phase}]`).waitFor();
}

/** Waits until this page's call has received audio packets (its inbound-rtp stats). */
async function audioArrives(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const session = (globalThis as {
        chatCall?: { peerConnection: RTCPeerConnection | null };
      }).chatCall;
      const stats = await session?.peerConnection?.getStats();
      let packets = 0;
      stats?.forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") {
          packets += report.packetsReceived;
        }
      });
      return packets > 0;
    },
    undefined,
    { polling: 250 },
  );
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
      const { alice, bob } = await friendsInDm(chat);
      // `?relay` makes the page's peer connection use iceTransportPolicy "relay".
      for (const { page } of [alice, bob]) {
        await page.goto(`${chat.url}/?relay${new URL(page.url()).hash}`);
        await page.getByTestId("room-title").waitFor();
      }
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
