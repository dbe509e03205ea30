/**
 * Browser test of friends and direct messages: two users in two browser contexts become
 * friends through the UI and talk in a direct conversation, everything arriving live.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  eventually,
  markPage,
  messageTexts,
  pageMark,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";

Deno.test("two users become friends through the UI, live, and exchange direct messages live", () =>
  withBrowserChat(async ({ server, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await registerThroughForm(bob.page, server.url, "bob");
    const marks = [await markPage(alice.page), await markPage(bob.page)];

    await bob.page.getByTestId("friend-search").fill("alice");
    await bob.page.getByTestId("friend-search-submit").click();
    await bob.page.getByTestId("friend-found").getByText("alice", { exact: true }).waitFor();
    await bob.page.getByTestId("friend-note").fill("<b>hi</b> from Bob");
    await bob.page.getByTestId("send-friend-request").click();
    await bob.page.locator("[data-testid=outgoing-request][data-username=alice]").waitFor();

    const incoming = alice.page.locator("[data-testid=incoming-request][data-username=bob]");
    await incoming.getByText("<b>hi</b> from Bob", { exact: true }).waitFor();
    await incoming.getByTestId("accept-request").click();
    await bob.page.locator("[data-testid=friend-item][data-username=alice]").waitFor();
    await alice.page.locator("[data-testid=friend-item][data-username=bob]").waitFor();

    await bob.page.locator("[data-testid=friend-item][data-username=alice]")
      .getByTestId("message-friend").click();
    await bob.page.getByTestId("room-title").getByText("@ alice", { exact: true }).waitFor();
    const dmItem = alice.page.getByTestId("dm-item").getByText("@ bob", { exact: true });
    await dmItem.waitFor();
    await dmItem.click();
    await alice.page.getByTestId("room-title").getByText("@ bob", { exact: true }).waitFor();

    await sendThroughComposer(bob.page, "Hi Alice, this is private");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(alice.page), ["Hi Alice, this is private"])
    );
    await sendThroughComposer(alice.page, "Hi Bob!");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), ["Hi Alice, this is private", "Hi Bob!"])
    );

    await alice.page.getByTestId("edit-profile").click();
    await alice.page.getByTestId("profile-display-name").fill("Alice Liddell");
    await alice.page.getByTestId("profile-status").fill("down the rabbit hole");
    await alice.page.getByTestId("save-profile").click();
    await bob.page.getByTestId("room-title").getByText("@ Alice Liddell", { exact: true })
      .waitFor();
    await bob.page.locator("[data-testid=friend-item][data-username=alice]")
      .getByText("down the rabbit hole", { exact: true }).waitFor();
    await bob.page.getByTestId("dm-item").getByText("@ Alice Liddell", { exact: true }).waitFor();
    await bob.page.locator(".author").getByText("Alice Liddell", { exact: true }).waitFor();
    await bob.page.getByTestId("dm-item").getByTestId("conversation-preview")
      .getByText("Alice Liddell: Hi Bob!", { exact: true }).waitFor();

    // Alice blocks Bob from the friend menu, finds him under Blocked, and unblocks him.
    const bobItem = alice.page.locator("[data-testid=friend-item][data-username=bob]");
    await bobItem.getByTestId("friend-menu").click();
    await bobItem.getByTestId("block-friend").click();
    await bobItem.waitFor({ state: "detached" });
    const blocked = alice.page.getByTestId("blocked-users");
    await blocked.getByText("Blocked (1)", { exact: true }).click();
    const blockedBob = alice.page.locator("[data-testid=blocked-user][data-username=bob]");
    await blockedBob.getByText("bob", { exact: true }).waitFor();
    await screenshot(alice.page, "blocked-users");
    await blockedBob.getByTestId("unblock-user").click();
    await blocked.waitFor({ state: "detached" });
    await bob.page.getByTestId("friend-search").fill("alice");
    await bob.page.getByTestId("friend-search-submit").click();
    await bob.page.getByTestId("friend-found").getByText("Alice Liddell", { exact: true })
      .waitFor();

    assert.deepEqual([await pageMark(alice.page), await pageMark(bob.page)], marks, "no reload");
  }));
