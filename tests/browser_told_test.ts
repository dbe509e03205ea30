/**
 * Browser tests of being told what happened and of finding people, in Chromium: a logout in
 * one tab sends the session's other tab to the login page with a note; a public room created
 * elsewhere appears in Discover live; an author's name opens a profile card whose Add friend,
 * Block and (for a friend) Message act; the people directory finds a user by a name prefix.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RoomSummary } from "../lib/common/api_types.ts";
import { en } from "../lib/common/i18n/en.ts";
import {
  createRoomThroughForm,
  joinFromDiscover,
  markPage,
  pageMark,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api, registerUser } from "./helpers/chat_client.ts";

Deno.test("logging out in one tab sends the session's other tab to the login page with a note", () =>
  withBrowserChat(async ({ server, open }) => {
    const first = await open();
    await registerThroughForm(first.page, server.url, "twotabs");
    const second = await first.context.newPage();
    await second.goto(`${server.url}/`);
    await waitForConnection(second, "online");

    await first.page.getByRole("button", { name: en["layout.logout"] }).click();
    await first.page.waitForURL(`${server.url}/login`);
    await second.waitForURL(`${server.url}/login?ended=1`);
    await second.getByTestId("session-ended").getByText(en["auth.sessionEnded"], { exact: true })
      .waitFor();
    await screenshot(second, "session-ended");
  }));

Deno.test("a public room created elsewhere appears in Discover live, and its rename too", () =>
  withBrowserChat(async ({ server, open }) => {
    const watcher = await open();
    await registerThroughForm(watcher.page, server.url, "watcher");
    const mark = await markPage(watcher.page);
    const owner = await registerUser(server.url, "owner");
    const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
      name: "fresh-news",
    });
    const discover = (name: string) =>
      watcher.page.getByTestId("discover-item").locator(".room-name")
        .getByText(`# ${name}`, { exact: true });
    await discover("fresh-news").waitFor();
    const id = created.body.room.id;
    assert.equal(
      (await api(server.url, owner, "PATCH", `/api/rooms/${id}`, { name: "old-news" })).status,
      204,
    );
    await discover("old-news").waitFor();
    assert.equal(await discover("fresh-news").count(), 0);
    await joinFromDiscover(watcher.page, "old-news");
    assert.equal(await pageMark(watcher.page), mark, "no reload");
  }));

Deno.test("an author's name opens a profile card that adds a friend and then messages them; a stranger found by name is blocked from the card", () =>
  withBrowserChat(async ({ server, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await registerThroughForm(bob.page, server.url, "bob");
    await createRoomThroughForm(alice.page, "plaza");
    await joinFromDiscover(bob.page, "plaza");
    await sendThroughComposer(alice.page, "hello from alice");

    const card = bob.page.getByTestId("profile-card");
    const openCard = async () => {
      await bob.page.getByTestId("author-button").getByText("alice", { exact: true }).click();
      await card.getByTestId("profile-card-name").getByText("alice", { exact: true }).waitFor();
    };
    await openCard();
    await screenshot(bob.page, "profile-card");
    assert.equal(await card.getByTestId("card-message").isDisabled(), true, "not friends yet");
    await card.getByTestId("card-add-friend").click();
    await bob.page.locator("[data-testid=outgoing-request][data-username=alice]").waitFor();
    await card.getByTestId("dialog-close").click();

    await alice.page.locator("[data-testid=incoming-request][data-username=bob]")
      .getByTestId("accept-request").click();
    await bob.page.locator("[data-testid=friend-item][data-username=alice]").waitFor();
    await openCard();
    await card.getByTestId("card-message").click();
    await bob.page.getByTestId("room-title").getByText("@ alice", { exact: false }).waitFor();

    // A stranger found by a prefix of their name can be blocked from the card.
    const carol = await registerUser(server.url, "carol");
    await bob.page.getByTestId("friend-search").fill("caro");
    await bob.page.getByTestId("friend-search-submit").click();
    await bob.page.locator(`[data-testid=directory-result][data-username=${carol.name}]`).click();
    await card.getByTestId("profile-card-name").getByText(carol.name, { exact: true }).waitFor();
    await card.getByTestId("card-block").click();
    await bob.page.locator(`[data-testid=blocked-user][data-username=${carol.name}]`)
      .waitFor({ state: "attached" });
    assert.equal(await card.getByTestId("card-block").isDisabled(), true);
  }));
