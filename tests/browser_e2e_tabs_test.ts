/**
 * Browser test of one browser profile being one E2E device, used by one tab at a time: two tabs
 * of a profile that has no device yet open an encrypted room at the same moment. One of them
 * creates the device and publishes its KeyPackages; the other says the encrypted conversations
 * are open in another tab (two tabs running their own copies of a group's state could send with
 * the same key generation, and the members would read only one of the two messages). Once the
 * first tab closes, the second takes over with the same device: the key directory lists one
 * device for the user throughout, and neither tab logged an E2E error. "Use here" moves the
 * session between two open tabs, back and forth, and every message sent meanwhile (one of them
 * sent by the old tab as it hands over) reads in both directions.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { roomHash } from "../client/room_hash.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import { directoryDevices, keysReady, openSecretChat } from "./helpers/secret_chat.ts";
import { api } from "./helpers/chat_client.ts";
import {
  messagesWithText,
  pageUser,
  registerThroughForm,
  sendThroughComposer,
  sessionOf,
  withBrowserChat,
} from "./helpers/browser.ts";

/** The room column once the tab's E2E session has looked at the room: its status. */
async function e2eStatus(tab: Page): Promise<string | null> {
  const settled = ".room-column:is([data-e2e-status=waiting], [data-e2e-status=ready], " +
    "[data-e2e-status=elsewhere])";
  return await tab.locator(settled).getAttribute("data-e2e-status");
}

/** Collects the E2E errors `tab` logs (`e2e: …` on the console) into `errors`. */
function collectE2eErrors(tab: Page, errors: string[]): void {
  tab.on("console", (message) => {
    if (message.type() === "error" && message.text().startsWith("e2e:")) {
      errors.push(message.text());
    }
  });
}

Deno.test("two tabs of one browser profile opened at once make one E2E device, used by one tab at a time", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    await registerThroughForm(alice.page, url, "alice");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    // No encrypted conversation yet, so no device: the first tab leaves, the room is made.
    await alice.page.goto("about:blank");
    const created = await api<{ room: RoomSummary }>(url, aliceUser, "POST", "/api/rooms", {
      name: "plans",
      visibility: "private",
      encrypted: true,
    });
    assert.equal(created.status, 201);
    const second = await alice.context.newPage();
    const tabs = [alice.page, second];
    const e2eErrors: string[] = [];
    for (const tab of tabs) collectE2eErrors(tab, e2eErrors);
    await Promise.all(tabs.map((tab) => tab.goto(`${url}/${roomHash(created.body.room.id)}`)));
    // A tab's room leaves "loading" once its session has looked at it (and, in the tab that
    // holds the session, once the device is open and has published KeyPackages).
    const statuses = await Promise.all(tabs.map(e2eStatus));
    const other = statuses.indexOf("elsewhere");
    assert.ok(other >= 0 && statuses.filter((s) => s === "elsewhere").length === 1, `${statuses}`);
    const [holder, waiter] = other === 0 ? [second, alice.page] : [alice.page, second];
    await waiter.getByTestId("e2e-elsewhere").waitFor();
    assert.equal(await directoryDevices(url, aliceUser, aliceUser.id), 1);

    await holder.close();
    await waiter.locator(".room-column:is([data-e2e-status=waiting], [data-e2e-status=ready])")
      .waitFor();
    assert.equal(await waiter.getByTestId("e2e-elsewhere").count(), 0);
    assert.equal(await directoryDevices(url, aliceUser, aliceUser.id), 1);
    assert.deepEqual(e2eErrors, []);
  }));

/** The "Use here" button of `tab`'s notice, found by its role and label: a real, named button. */
function useHereButton(tab: Page) {
  return tab.getByTestId("e2e-elsewhere").getByRole("button", { name: "Use here" });
}

/** Delays every `crypto.subtle.encrypt` in `tab` by `ms` (0: none). */
async function slowEncryption(tab: Page, ms: number): Promise<void> {
  await tab.evaluate((ms) => {
    const subtle = crypto.subtle as SubtleCrypto & { fast?: SubtleCrypto["encrypt"] };
    subtle.fast ??= subtle.encrypt.bind(subtle);
    const fast = subtle.fast;
    subtle.encrypt = (...args) =>
      new Promise((resolve) => setTimeout(resolve, ms)).then(() => fast(...args));
  }, ms);
}

/** Waits until `tab` runs the session and `from` shows the notice instead. */
async function handedOver(tab: Page, from: Page): Promise<void> {
  await keysReady(tab);
  await from.getByTestId("e2e-elsewhere").waitFor();
  assert.equal(await from.locator(".room-column[data-e2e-status=elsewhere]").count(), 1);
}

Deno.test("'Use here' moves a secret chat between two open tabs, and every message sent meanwhile reads both ways", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    const { aliceUser } = await openSecretChat(url, alice, bob);
    const first = alice.page;
    const second = await alice.context.newPage();
    const e2eErrors: string[] = [];
    for (const tab of [first, second, bob.page]) collectE2eErrors(tab, e2eErrors);
    await second.goto(first.url());
    await second.getByTestId("e2e-elsewhere").waitFor();

    // A message sent in the first tab just before the second asks for the session: its
    // encryption is finished and saved before the session leaves the tab, and it reaches Bob
    // from the outbox.
    const button = useHereButton(second);
    await button.focus();
    assert.ok(await button.evaluate((element) => element === document.activeElement));
    await first.getByTestId("composer").fill("sent as the tab hands over");
    // Every WebCrypto encryption in the first tab (its records are sealed with one before they
    // are stored) made 300 ms slower: the message is still being saved when the request comes.
    await slowEncryption(first, 300);
    await first.getByTestId("composer").press("Enter");
    await button.click();
    await handedOver(second, first);
    // The second tab sends at once: had it taken the group before the first finished, both
    // messages would use the same key generation, and Bob could read only one of them.
    await sendThroughComposer(second, "from the second tab");
    for (const text of ["sent as the tab hands over", "from the second tab"]) {
      await messagesWithText(bob.page, text).waitFor();
      await messagesWithText(second, text).waitFor();
    }
    await slowEncryption(first, 0);
    await sendThroughComposer(bob.page, "to the second tab");
    await messagesWithText(second, "to the second tab").waitFor();

    // And back: the first tab reads what was sent and received while the second had it.
    await useHereButton(first).click();
    await handedOver(first, second);
    await messagesWithText(first, "from the second tab").waitFor();
    await messagesWithText(first, "to the second tab").waitFor();
    await sendThroughComposer(bob.page, "to the first tab again");
    await messagesWithText(first, "to the first tab again").waitFor();
    await sendThroughComposer(first, "from the first tab again");
    await messagesWithText(bob.page, "from the first tab again").waitFor();

    for (const tab of [first, second, bob.page]) {
      assert.equal(await tab.getByText("Could not decrypt this message").count(), 0);
    }
    assert.equal(await directoryDevices(url, aliceUser, aliceUser.id), 1);
    assert.deepEqual(e2eErrors, []);
  }));
