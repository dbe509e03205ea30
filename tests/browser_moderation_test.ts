/**
 * Browser test of private rooms and moderation: an owner creates a private room and an invite
 * link, another user joins through the link page, is muted (their send shows the muted
 * error), then kicked (the room leaves their screen and they can no longer read it).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import {
  eventually,
  launchChromium,
  openPage,
  registerThroughForm,
  sendThroughComposer,
  type UserPage,
} from "./helpers/browser.ts";
import { startTestServer } from "./helpers/test_server.ts";

Deno.test("an owner invites by link, mutes and then kicks a member, all through the UI", async () => {
  const server = await startTestServer();
  let browser: Browser | undefined;
  const pages: UserPage[] = [];
  try {
    browser = await launchChromium();
    const owner = await openPage(browser);
    const guest = await openPage(browser);
    pages.push(owner, guest);
    await registerThroughForm(owner.page, server.url, "owner");
    await registerThroughForm(guest.page, server.url, "guest");

    await owner.page.getByTestId("new-room-name").fill("hideout");
    await owner.page.getByTestId("new-room-visibility").selectOption("private");
    await owner.page.getByTestId("create-room").click();
    const title = (page: UserPage) => page.page.getByTestId("room-title");
    await title(owner).getByText("# hideout", { exact: true }).waitFor();
    await owner.page.getByTestId("room-settings-toggle").click();
    await owner.page.getByTestId("link-uses").fill("1");
    await owner.page.getByTestId("create-link").click();
    const url = await owner.page.getByTestId("invite-link").inputValue();
    assert.match(url, /\/join\/[A-Za-z0-9_-]{22}$/);
    // Private: the guest's Discover does not list it.
    assert.equal(await guest.page.getByText("# hideout", { exact: true }).count(), 0);

    await guest.page.goto(url);
    await guest.page.getByTestId("accept-invite").click();
    await title(guest).getByText("# hideout", { exact: true }).waitFor();
    await guest.page.getByTestId("system-message").getByText(/guest\S* joined with an invite link/)
      .waitFor();

    const guestRow = owner.page.locator("[data-testid=member-row][data-user=guest]");
    await owner.page.getByTestId("settings-close").click();
    await owner.page.getByTestId("room-settings-toggle").click();
    await guestRow.getByTestId("member-mute").click();
    await guestRow.getByText("member · muted", { exact: true }).waitFor();

    await sendThroughComposer(guest.page, "can I still talk?");
    await guest.page.locator(".message-meta .error").getByText(/muted in this room/).waitFor();

    await guestRow.getByTestId("member-kick").click();
    await owner.page.getByTestId("system-message").getByText(/guest\S* was kicked by owner/)
      .waitFor();
    await eventually(async () => {
      assert.equal(await title(guest).getByText("# hideout", { exact: true }).count(), 0);
    });
    assert.equal(await guest.page.getByText("# hideout", { exact: true }).count(), 0);
    const room = await roomIdOf(owner);
    const status = await guest.page.evaluate(async (id) => {
      return (await fetch(`/api/rooms/${id}/members`)).status;
    }, room);
    assert.equal(status, 404, "the kicked guest can no longer read the room");

    for (const { errors, cspViolations } of pages) {
      assert.deepEqual(errors, []);
      assert.deepEqual(cspViolations, []);
    }
  } finally {
    await browser?.close();
    await server.close();
  }
});

async function roomIdOf(user: UserPage): Promise<string> {
  const hash = await user.page.evaluate(() => location.hash);
  return decodeURIComponent(hash.replace(/^#room=/, ""));
}
