/**
 * Browser test of a group call: three users in separate Chromium contexts with fake microphones
 * and cameras, members of one room, against a real server. One starts the room's call, the
 * header of the others shows "Call in progress" with Join, both join, and each page's peer
 * connections (a full mesh: two each) receive audio from the other two (`getStats()`). The
 * call view passes axe; the last one to leave writes "Group call, m:ss" in the room.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of the group call (desktop and phone width).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  createRoomThroughForm,
  eventually,
  FAKE_MEDIA_ARGS,
  joinFromDiscover,
  registerThroughForm,
  screenshot,
  withBrowserChat,
} from "./helpers/browser.ts";
import { assertAccessible } from "./helpers/axe.ts";
import { audioPackets } from "./helpers/call_pages.ts";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };

/** Waits until this page has `count` peer connections and each has received audio packets. */
async function audioFromEach(page: Page, count: number): Promise<void> {
  await eventually(async () => {
    const packets = await audioPackets(page);
    assert.equal(packets.length, count, `${packets.length} peer connections`);
    assert.ok(packets.every((n) => n > 0), `audio packets per connection: ${packets}`);
  });
}

function roomCall(page: Page, text: string) {
  return page.getByTestId("room-call").getByRole("status")
    .filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
}

Deno.test("three members hold a group call: each hears the other two, and the last to leave logs it", () =>
  withBrowserChat(
    async (chat) => {
      const [alice, bob, carol] = [
        await chat.open({ viewport: DESKTOP }),
        await chat.open({ viewport: DESKTOP }),
        await chat.open({ viewport: PHONE }),
      ];
      await registerThroughForm(alice.page, chat.url, "alice");
      await registerThroughForm(bob.page, chat.url, "bob");
      await registerThroughForm(carol.page, chat.url, "carol");
      await createRoomThroughForm(alice.page, "standup");
      await joinFromDiscover(bob.page, "standup");
      await joinFromDiscover(carol.page, "standup");

      await alice.page.getByTestId("call-group").click();
      await alice.page.locator("[data-testid=call-view]").waitFor();
      for (const { page } of [bob, carol]) await roomCall(page, "Call in progress, 1 person");
      await bob.page.getByTestId("call-join").click();
      await roomCall(carol.page, "Call in progress, 2 people");
      await carol.page.getByTestId("call-join").click();
      for (const { page } of [alice, bob, carol]) {
        await roomCall(page, "Call in progress, 3 people");
      }

      await Promise.all([alice, bob, carol].map(({ page }) => audioFromEach(page, 2)));
      for (const { page } of [alice, bob, carol]) {
        await page.locator("[data-testid=call-view][data-phase=connected]").waitFor();
        assert.equal(await page.getByTestId("call-tile").count(), 3);
      }
      await assertAccessible(alice.page, "a group call (desktop)");
      await screenshot(alice.page, "group-call");
      await screenshot(carol.page, "group-call-phone");

      // Alice leaves: the others stay connected to each other.
      await alice.page.getByTestId("call-hangup").click();
      await alice.page.locator("[data-testid=call-view][data-phase=ended]").waitFor();
      for (const { page } of [bob, carol]) await roomCall(page, "Call in progress, 2 people");
      await Promise.all([bob, carol].map(({ page }) => audioFromEach(page, 1)));

      await bob.page.getByTestId("call-hangup").click();
      await carol.page.getByTestId("call-hangup").click();
      for (const { page } of [alice, bob, carol]) {
        await page.getByTestId("room-call").waitFor({ state: "detached" });
        await page.getByTestId("system-message").locator("span")
          .filter({ hasText: /^Group call, \d+:\d\d$/ }).first().waitFor();
      }
    },
    {},
    FAKE_MEDIA_ARGS,
  ));
