/**
 * Browser test of safety numbers in a secret chat: Alice (from the header's padlock) and Bob
 * (from Alice's profile card) see the same 60 digits, Alice marks them verified and her padlock
 * says so; then Bob signs in on a second device (a new browser context, which publishes its
 * keys), the number changes, and Alice's conversation shows "safety number changed" with the
 * verified mark gone (when she comes back to the page, and after a reload). Every key is made
 * in the pages; the server only lists public keys.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  directoryDevices,
  keysReady,
  lockState,
  NEW_DEVICE_WAIT_MS,
  openSecretChat,
  shownNumber,
} from "./helpers/secret_chat.ts";
import { befriend } from "./helpers/chat_client.ts";
import { assertAccessible } from "./helpers/axe.ts";
import {
  eventually,
  markPage,
  pageMark,
  pageUser,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  sessionOf,
  TEST_PASSWORD,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

Deno.test("safety number: both users see the same one, a verified mark shows, and the other's new device brings a warning", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    const { aliceUser, bobUser } = await openSecretChat(url, alice, bob);
    for (const user of [alice, bob]) {
      await eventually(async () => assert.equal(await lockState(user.page), "unverified"));
    }
    await sendThroughComposer(alice.page, "compare our numbers?");

    // Alice from the header's padlock, Bob from Alice's profile card (her name on a message).
    await alice.page.getByTestId("e2e-header-lock").click();
    const aliceNumber = await shownNumber(alice.page);
    await bob.page.getByTestId("author-button").getByText("alice", { exact: true }).click();
    await bob.page.getByTestId("profile-card").getByTestId("card-verify").click();
    const bobNumber = await shownNumber(bob.page);
    assert.equal(aliceNumber, bobNumber, "both ends compute the same safety number");
    const emoji = async (page: Page) =>
      await page.getByTestId("safety-number-dialog").getByTestId("safety-emoji").textContent();
    assert.equal(await emoji(alice.page), await emoji(bob.page));
    await assertAccessible(alice.page, "the safety number dialog");
    await screenshot(alice.page, "e2e_safety_number");

    await alice.page.getByTestId("mark-verified").click();
    await alice.page.getByTestId("safety-state").and(alice.page.locator("[data-state=verified]"))
      .waitFor();
    await alice.page.keyboard.press("Escape");
    await eventually(async () => assert.equal(await lockState(alice.page), "verified"));
    assert.equal(await alice.page.getByTestId("e2e-number-changed").count(), 0);
    await bob.page.keyboard.press("Escape");
    await bob.page.keyboard.press("Escape");

    // Bob signs in on a second device: it publishes its key, which is not the verified set.
    const bobTablet = await open();
    await bobTablet.page.goto(`${url}/login`);
    await bobTablet.page.locator("input[name=username]").fill("bob");
    await bobTablet.page.locator("input[name=password]").fill(TEST_PASSWORD);
    await bobTablet.page.locator("form[action='/login'] button[type=submit]").click();
    await bobTablet.page.waitForURL(`${url}/`);
    await waitForConnection(bobTablet.page, "online");
    await eventually(async () =>
      assert.equal(await directoryDevices(url, aliceUser, bobUser.id), 2)
    );

    // Alice's page checks again when she comes back to it (no reload), and when it loads.
    const mark = await markPage(alice.page);
    await alice.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await alice.page.getByTestId("e2e-number-changed").waitFor();
    assert.equal(await pageMark(alice.page), mark, "no reload");
    await alice.page.reload();
    await alice.page.getByTestId("e2e-number-changed").waitFor();
    await eventually(async () => assert.equal(await lockState(alice.page), "changed"));
    await screenshot(alice.page, "e2e_safety_number_changed");
    await alice.page.getByTestId("e2e-header-lock").click();
    const changed = await shownNumber(alice.page);
    assert.notEqual(changed, aliceNumber, "a new device gives a new number");
    await alice.page.getByTestId("mark-verified").click();
    await alice.page.keyboard.press("Escape");
    await eventually(async () => assert.equal(await lockState(alice.page), "verified"));
    assert.equal(await alice.page.getByTestId("e2e-number-changed").count(), 0);
  }));

Deno.test("safety number: a contact whose browser had made no keys yet when the secret chat began is not shown as changed once it has", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, url, "alice");
    await registerThroughForm(bob.page, url, "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
    // Bob closes the chat before he has any encrypted conversation: his browser has no device.
    await bob.page.goto("about:blank");
    await befriend(url, aliceUser, bobUser);
    await alice.page.reload();
    await alice.page.locator("[data-testid=friend-item][data-username=bob]")
      .getByTestId("secret-chat-friend").click();
    await keysReady(alice.page);
    // Alice's device has checked the number once: Bob had no device yet.
    await eventually(async () => assert.equal(await lockState(alice.page), "unverified"));
    assert.equal(await directoryDevices(url, aliceUser, bobUser.id), 0);

    // Bob comes back: his browser makes his first device, which Alice's adds to the chat.
    await bob.page.goto(`${url}/`);
    await bob.page.getByTestId("dm-item").filter({ has: bob.page.getByTestId("e2e-lock") })
      .click();
    await keysReady(bob.page, NEW_DEVICE_WAIT_MS);

    // Alice checks again when she opens the number: Bob's first device is not a change.
    await alice.page.getByTestId("e2e-header-lock").click();
    await shownNumber(alice.page);
    const state = alice.page.getByTestId("safety-number-dialog").getByTestId("safety-state");
    assert.equal(await state.getAttribute("data-state"), "unverified");
    await alice.page.keyboard.press("Escape");
    assert.equal(await lockState(alice.page), "unverified");
    assert.equal(await alice.page.getByTestId("e2e-number-changed").count(), 0);
  }));
