/**
 * Browser test of safety numbers in an encrypted group: Alice and Bob in a group Alice created
 * open the header's padlock, which lists each other member with their devices' state, and each
 * opens the other's safety number: both see the same 60 digits. Alice marks Bob verified and
 * her padlock says the group is verified; then Bob signs in on a second device (a new browser
 * context, which publishes its keys), and Alice's group conversation shows the warning, her
 * padlock says a member changed, and Bob's row lists the new device as new. Every key is made
 * in the pages; the server only lists public keys.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  directoryDevices,
  lockState,
  openEncryptedGroup,
  shownNumber,
} from "./helpers/secret_chat.ts";
import { assertAccessible } from "./helpers/axe.ts";
import {
  eventually,
  logInThroughForm,
  screenshot,
  selectRoom,
  withBrowserChat,
} from "./helpers/browser.ts";

/** Opens the padlock's member list and the safety number of the member with id `peer`. */
async function openMemberNumber(page: Page, peer: string): Promise<string> {
  await page.getByTestId("e2e-header-lock").click();
  const row = page.getByTestId("group-verify-dialog").locator(`[data-user="${peer}"]`);
  await row.getByTestId("verify-member-open").click();
  return await shownNumber(page);
}

Deno.test("group safety numbers: the padlock lists each member's devices, both ends see the same number, and a member's new device brings a warning", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    const { ownerUser: aliceUser, memberUsers: [bobUser] } = await openEncryptedGroup(
      url,
      "circle",
      [alice, bob],
      ["alice", "bob"],
    );
    assert.ok(bobUser);
    for (const user of [alice, bob]) {
      await eventually(async () => assert.equal(await lockState(user.page), "unverified"));
    }

    // Alice's list: Bob, not verified, with his one device.
    await alice.page.getByTestId("e2e-header-lock").click();
    const bobRow = alice.page.getByTestId("group-verify-dialog")
      .locator(`[data-user="${bobUser.id}"]`);
    await eventually(async () => {
      assert.equal(await bobRow.getAttribute("data-state"), "unverified");
      assert.deepEqual(
        await bobRow.getByTestId("verify-device").evaluateAll((rows) =>
          rows.map((row) => row.getAttribute("data-state"))
        ),
        ["unverified"],
      );
    });
    await assertAccessible(alice.page, "the group's safety numbers dialog");
    await screenshot(alice.page, "e2e_group_verify");
    await alice.page.keyboard.press("Escape");

    const aliceNumber = await openMemberNumber(alice.page, bobUser.id);
    const bobNumber = await openMemberNumber(bob.page, aliceUser.id);
    assert.equal(aliceNumber, bobNumber, "both ends compute the same safety number");
    await alice.page.getByTestId("mark-verified").click();
    await alice.page.getByTestId("safety-state").and(alice.page.locator("[data-state=verified]"))
      .waitFor();
    // Escape goes back to the list, and again closes it.
    await alice.page.keyboard.press("Escape");
    await alice.page.getByTestId("group-verify-dialog").waitFor();
    await alice.page.keyboard.press("Escape");
    await eventually(async () => assert.equal(await lockState(alice.page), "verified"));
    assert.equal(await alice.page.getByTestId("e2e-number-changed").count(), 0);

    // Bob signs in on a second device: it publishes its key, which is not the verified set.
    const bobTablet = await open();
    await logInThroughForm(bobTablet.page, url, "bob");
    await selectRoom(bobTablet.page, "circle");
    await eventually(async () =>
      assert.equal(await directoryDevices(url, aliceUser, bobUser.id), 2)
    );

    // Alice's page checks again when she comes back to it (and after each commit).
    await alice.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await alice.page.getByTestId("e2e-number-changed").waitFor();
    await eventually(async () => assert.equal(await lockState(alice.page), "changed"));
    await alice.page.getByTestId("e2e-header-lock").click();
    await eventually(async () => {
      assert.equal(await bobRow.getAttribute("data-state"), "changed");
      assert.deepEqual(
        (await bobRow.getByTestId("verify-device").evaluateAll((rows) =>
          rows.map((row) => row.getAttribute("data-state"))
        )).sort(),
        ["new", "verified"],
      );
    });
    await screenshot(alice.page, "e2e_group_verify_changed");
    await alice.page.keyboard.press("Escape");
    const changed = await openMemberNumber(alice.page, bobUser.id);
    assert.notEqual(changed, aliceNumber, "a member's new device gives a new number");
    await alice.page.getByTestId("mark-verified").click();
    await alice.page.keyboard.press("Escape");
    await alice.page.keyboard.press("Escape");
    await eventually(async () => assert.equal(await lockState(alice.page), "verified"));
    assert.equal(await alice.page.getByTestId("e2e-number-changed").count(), 0);
  }));
