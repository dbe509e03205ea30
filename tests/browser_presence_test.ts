/**
 * Browser test of presence: two friends in two browser contexts; one sees the other's green
 * dot (friend list, DM entry, DM header) come when they open the app and go when they close it.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  pageUser,
  registerThroughForm,
  screenshot,
  sessionOf,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api } from "./helpers/chat_client.ts";

/** Every place the page shows alice's dot: her friend entry, the DM entry, the DM header. */
function aliceDots(page: Page) {
  return [
    page.locator("[data-testid=friend-item][data-username=alice] [data-testid=presence-dot]"),
    page.getByTestId("dm-item").getByTestId("presence-dot"),
    page.getByTestId("room-title").getByTestId("presence-dot"),
  ];
}

Deno.test("a friend's dot goes green when they open the app and goes away when they close the tab", () =>
  withBrowserChat(async ({ server, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await registerThroughForm(bob.page, server.url, "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
    const sent = await api(server.url, aliceUser, "POST", "/api/friends/requests", {
      username: "bob",
    });
    assert.equal(sent.status, 201);
    const accepted = await api(server.url, bobUser, "POST", "/api/friends/requests/alice/accept");
    assert.equal(accepted.status, 204);

    const friendItem = bob.page.locator("[data-testid=friend-item][data-username=alice]");
    await friendItem.getByTestId("message-friend").click();
    await bob.page.getByTestId("room-title").getByText("@ alice", { exact: true }).waitFor();
    for (const dot of aliceDots(bob.page)) await dot.waitFor();
    await screenshot(bob.page, "presence-online");

    await alice.page.close();
    for (const dot of aliceDots(bob.page)) await dot.waitFor({ state: "detached" });
    await screenshot(bob.page, "presence-offline");

    const again = await alice.context.newPage();
    await again.goto(server.url);
    for (const dot of aliceDots(bob.page)) await dot.waitFor();
    await again.close();
    for (const dot of aliceDots(bob.page)) await dot.waitFor({ state: "detached" });
  }));
