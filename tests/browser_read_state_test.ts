/**
 * Browser tests of read state in Chromium: two tabs of one user share the unread badge (reading
 * in one clears it in the other), the title counts the unread messages, the typing indicator
 * shows and clears, and a group shows "Seen by N" under the author's message.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  createRoomThroughForm,
  eventually,
  joinFromDiscover,
  registerThroughForm,
  screenshot,
  selectRoom,
  sendThroughComposer,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

/** The unread badge of the conversation named `name` ("" when it has none). */
async function badgeOf(page: Page, name: string): Promise<string> {
  const item = page.getByTestId("room-item").filter({
    has: page.locator(".room-name").getByText(`# ${name}`, { exact: true }),
  });
  // One read that does not wait: the badge may go away between a count and a textContent(),
  // and textContent() would then wait for it for the whole timeout.
  const texts = await item.getByTestId("unread-badge").allTextContents();
  return texts[0] ?? "";
}

Deno.test("two tabs of one user: reading in one clears the badge and the title count in the other", async () => {
  await withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    await registerThroughForm(alice.page, url, "alice");
    await createRoomThroughForm(alice.page, "alpha");
    await createRoomThroughForm(alice.page, "beta");
    // A second tab of the same browser profile: the same user and session.
    const second = await alice.context.newPage();
    await second.goto(`${url}/`);
    await waitForConnection(second, "online");

    const bob = await open();
    await registerThroughForm(bob.page, url, "bob");
    await joinFromDiscover(bob.page, "alpha");
    await sendThroughComposer(bob.page, "one");
    await sendThroughComposer(bob.page, "two");

    for (const page of [alice.page, second]) {
      await eventually(async () => assert.equal(await badgeOf(page, "alpha"), "2"));
      await eventually(async () => assert.equal(await page.title(), "(2) Deno Chat"));
    }
    // After a reload the count comes from the server's read marker.
    await second.reload();
    await waitForConnection(second, "online");
    await eventually(async () => assert.equal(await badgeOf(second, "alpha"), "2"));
    await screenshot(second, "unread-badge");

    await alice.page.bringToFront();
    await selectRoom(alice.page, "alpha");
    await alice.page.getByTestId("unread-divider").waitFor();
    await eventually(async () => assert.equal(await badgeOf(second, "alpha"), ""));
    await eventually(async () => assert.equal(await second.title(), "Deno Chat"));
    assert.equal(await alice.page.title(), "Deno Chat");
  });
});

Deno.test("the typing indicator shows while someone types and clears when they empty the composer", async () => {
  await withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    await registerThroughForm(alice.page, url, "alice");
    await createRoomThroughForm(alice.page, "alpha");
    const bob = await open();
    await registerThroughForm(bob.page, url, "bob");
    await joinFromDiscover(bob.page, "alpha");

    const indicator = alice.page.getByTestId("typing-indicator");
    await bob.page.getByTestId("composer").pressSequentially("hel");
    await indicator.getByText(/^bob\S* is typing…$/).waitFor();
    await screenshot(alice.page, "typing");
    await bob.page.getByTestId("composer").fill("");
    await bob.page.getByTestId("composer").press("Backspace");
    await eventually(async () => assert.equal(await indicator.textContent(), ""));

    // Typing again, then sending: the message clears the notice.
    await bob.page.getByTestId("composer").pressSequentially("hi");
    await indicator.getByText(/is typing…$/).waitFor();
    await bob.page.getByTestId("composer").press("Enter");
    await eventually(async () => assert.equal(await indicator.textContent(), ""));

    // Bob has the room open: Alice's message shows "Seen by 1".
    await sendThroughComposer(alice.page, "did you see?");
    await alice.page.getByTestId("seen").getByText("Seen by 1").waitFor();
    await alice.page.getByTestId("seen").click();
    await alice.page.getByTestId("seen-dialog").getByText(/^bob/).waitFor();
    await screenshot(alice.page, "seen-by");
  });
});
