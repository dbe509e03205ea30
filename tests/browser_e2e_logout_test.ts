/**
 * Browser test of logging out with end-to-end keys on the device, in Chromium: the logout asks
 * whether to keep them. Keeping them reads the secret chat again after logging in here;
 * removing them deletes the user's E2E records in IndexedDB and the device on the server. A
 * user without keys logs out unasked.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { en } from "../lib/common/i18n/en.ts";
import { api, befriend } from "./helpers/chat_client.ts";
import {
  eventually,
  logInThroughForm,
  messageTexts,
  pageUser,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  sessionOf,
  withBrowserChat,
} from "./helpers/browser.ts";

/** Every key of the page's E2E database (`client/e2e/key_store.ts`); none when it has none. */
function storedE2eKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((database) => database.name === "chat-e2e")) {
      return [];
    }
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open("chat-e2e");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const request = db.transaction("keys").objectStore("keys").getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return keys.map(String);
  });
}

/** Clicks the header's logout once the page asks about keys at logout. */
async function clickLogout(page: Page): Promise<void> {
  await page.locator("form.logout[data-asks-about-keys]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: en["layout.logout"] }).click();
}

Deno.test("logout with E2E keys asks: kept keys read the secret chat after logging in again, removed ones are gone here and on the server", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, url, "alice");
    await registerThroughForm(bob.page, url, "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
    await befriend(url, aliceUser, bobUser);
    await alice.page.reload();
    await alice.page.locator("[data-testid=friend-item][data-username=bob]")
      .getByTestId("secret-chat-friend").click();
    await alice.page.locator(".room-column[data-e2e-status=ready]").waitFor();
    const secretChat = bob.page.getByTestId("dm-item").filter({
      has: bob.page.getByTestId("e2e-lock"),
    });
    await secretChat.click();
    await bob.page.locator(".room-column[data-e2e-status=ready]").waitFor();
    await sendThroughComposer(alice.page, "只给 Bob 看");
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), ["只给 Bob 看"]));
    const bobKeys = await storedE2eKeys(bob.page);
    assert.ok(bobKeys.includes(`device/${bobUser.id}`), JSON.stringify(bobKeys));

    // Keep (the focused default): logged out, the keys stay, and the chat reads again.
    await clickLogout(bob.page);
    const dialog = bob.page.getByTestId("logout-keys-dialog");
    await dialog.getByText(en["e2e.logoutTitle"], { exact: true }).waitFor();
    await screenshot(bob.page, "e2e_logout_keys");
    assert.equal(
      await bob.page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "logout-keep-keys",
    );
    await dialog.getByTestId("logout-keep-keys").click();
    await bob.page.waitForURL(`${url}/login`);
    assert.deepEqual((await storedE2eKeys(bob.page)).sort(), bobKeys.sort());
    await logInThroughForm(bob.page, url, "bob");
    await secretChat.click();
    await bob.page.locator(".room-column[data-e2e-status=ready]").waitFor();
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), ["只给 Bob 看"]));

    // Cancel changes nothing; Remove deletes every record of Bob here and his device there.
    await clickLogout(bob.page);
    await dialog.getByTestId("logout-cancel").click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(new URL(bob.page.url()).pathname, "/", "still on the chat page");
    await clickLogout(bob.page);
    await dialog.getByTestId("logout-remove-keys").click();
    await bob.page.waitForURL(`${url}/login`);
    assert.deepEqual(
      (await storedE2eKeys(bob.page)).filter((key) => key.includes(bobUser.id)),
      [],
    );
    const claim = await api(url, aliceUser, "POST", "/api/e2e/claim", { user: bobUser.id });
    assert.equal(claim.status, 404, "no device of Bob's is left to add to a group");

    // Carol never had keys: her logout is not asked about.
    const carol = await open();
    await registerThroughForm(carol.page, url, "carol");
    await clickLogout(carol.page);
    await carol.page.waitForURL(`${url}/login`);
    assert.deepEqual(await storedE2eKeys(carol.page), []);
  }));
