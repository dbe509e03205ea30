/**
 * Browser test of one browser profile being one E2E device: two tabs of a profile that has no
 * device yet open an encrypted room at the same moment; only one of them creates the device, and
 * they publish its KeyPackages one after the other (at once, the second upload went over the
 * server's 10 per device and was refused), so the key directory lists one device for the user,
 * with keys, once both tabs have started, and neither tab logged an E2E error.
 *
 * @module
 */
import assert from "node:assert/strict";
import { roomHash } from "../client/room_hash.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import { directoryDevices } from "./helpers/secret_chat.ts";
import { api } from "./helpers/chat_client.ts";
import { pageUser, registerThroughForm, sessionOf, withBrowserChat } from "./helpers/browser.ts";

Deno.test("two tabs of one browser profile opened at once make one E2E device", () =>
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
    // A tab's room leaves "loading" once its device is open and has published KeyPackages.
    const started = ".room-column:is([data-e2e-status=waiting], [data-e2e-status=ready])";
    for (const tab of tabs) await tab.locator(started).waitFor();
    assert.equal(await directoryDevices(url, aliceUser, aliceUser.id), 1);
    assert.deepEqual(e2eErrors, []);
  }));
