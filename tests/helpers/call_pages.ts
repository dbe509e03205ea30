/**
 * Call pages in Chromium: two friends showing their direct conversation, the call view's phase,
 * and what the page's peer connections received (`getStats()`, read through the call layer's
 * `globalThis.chatCall`). Shared by the call browser tests and the call setup bench.
 *
 * @module
 */
import type { Page } from "playwright-core";
import {
  type BrowserChat,
  pageUser,
  registerThroughForm,
  sessionOf,
  type UserPage,
} from "./browser.ts";
import { befriend } from "./chat_client.ts";

/** Desktop window of the call tests. */
export const CALL_DESKTOP = { width: 1280, height: 800 };

/**
 * Two users registered through the form in their own contexts, made friends, each showing
 * their direct conversation. `names` default to alice and bob; `query` (such as `?relay`) is
 * added to the page's address before the conversation is opened.
 */
export async function friendsInDm(
  chat: BrowserChat,
  names: readonly [string, string] = ["alice", "bob"],
  query = "",
): Promise<{ alice: UserPage; bob: UserPage }> {
  const alice = await chat.open({ viewport: CALL_DESKTOP });
  const bob = await chat.open({ viewport: CALL_DESKTOP });
  await registerThroughForm(alice.page, chat.url, names[0]);
  await registerThroughForm(bob.page, chat.url, names[1]);
  await befriend(
    chat.url,
    await sessionOf(alice.context, await pageUser(alice.page)),
    await sessionOf(bob.context, await pageUser(bob.page)),
  );
  for (const { page } of query ? [alice, bob] : []) {
    await page.goto(`${chat.url}/${query}`);
    await page.getByTestId("whoami").waitFor();
  }
  await openDm(alice, names[1]);
  await openDm(bob, names[0]);
  return { alice, bob };
}

/** Opens the direct conversation with `peer` from the friends list. */
export async function openDm(user: UserPage, peer: string): Promise<void> {
  const friend = user.page.locator(`[data-testid=friend-item][data-username=${peer}]`);
  await friend.getByTestId("message-friend").click();
  await user.page.getByTestId("room-title").getByText(`@ ${peer}`, { exact: true }).waitFor();
}

/** Waits until the page's call view shows `phase` (ringing, connecting, connected, …). */
export function callPhase(page: Page, phase: string): Promise<void> {
  return page.locator(`[data-testid=call-view][data-phase=${phase}]`).waitFor();
}

/** Audio packets received so far on each of this page's peer connections. */
export function audioPackets(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const session = (globalThis as {
      chatCall?: { peerConnections: RTCPeerConnection[] };
    }).chatCall;
    return await Promise.all((session?.peerConnections ?? []).map(async (pc) => {
      let packets = 0;
      (await pc.getStats()).forEach((report) => {
        if (report.type === "inbound-rtp" && report.kind === "audio") {
          packets += report.packetsReceived;
        }
      });
      return packets;
    }));
  });
}

/**
 * Waits until the page's first peer connection has received more than `after` audio packets
 * (its inbound-rtp stats).
 */
export async function audioArrives(page: Page, after = 0): Promise<void> {
  await page.waitForFunction(
    async (after) => {
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
      return packets > after;
    },
    after,
    { polling: 250 },
  );
}
