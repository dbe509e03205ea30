/**
 * Browser test of one browser profile being one E2E device, used by one tab at a time: two tabs
 * of a profile that has no device yet open an encrypted room at the same moment. One of them
 * creates the device and publishes its KeyPackages; the other says the encrypted conversations
 * are open in another tab (two tabs running their own copies of a group's state could send with
 * the same key generation, and the members would read only one of the two messages). Once the
 * first tab closes, the second takes over with the same device: the key directory lists one
 * device for the user throughout, and neither tab logged an E2E error.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { roomHash } from "../client/room_hash.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import { directoryDevices } from "./helpers/secret_chat.ts";
import { api } from "./helpers/chat_client.ts";
import { pageUser, registerThroughForm, sessionOf, withBrowserChat } from "./helpers/browser.ts";

/** The room column once the tab's E2E session has looked at the room: its status. */
async function e2eStatus(tab: Page): Promise<string | null> {
  const settled = ".room-column:is([data-e2e-status=waiting], [data-e2e-status=ready], " +
    "[data-e2e-status=elsewhere])";
  return await tab.locator(settled).getAttribute("data-e2e-status");
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
    for (const tab of tabs) {
      tab.on("console", (message) => {
        if (message.type() === "error" && message.text().startsWith("e2e:")) {
          e2eErrors.push(message.text());
        }
      });
    }
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
