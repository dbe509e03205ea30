/**
 * Browser test of private rooms and moderation: an owner creates a private room and an invite
 * link, another user joins through the link page, is muted (a notice names who did it and
 * the composer says so before they try to send), then kicked (a notice names the room, which
 * leaves their screen, and they can no longer read it).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { InviteLinkView, RoomSummary } from "../lib/common/api_types.ts";
import {
  eventually,
  registerThroughForm,
  screenshot,
  TEST_PASSWORD,
  type UserPage,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api, registerUser } from "./helpers/chat_client.ts";
import { Accounts } from "../lib/accounts/accounts.ts";
import { systemClock } from "../lib/common/clock.ts";

Deno.test("an owner invites by link, mutes and then kicks a member, all through the UI", () =>
  withBrowserChat(async ({ server, open }) => {
    const owner = await open();
    const guest = await open();
    await registerThroughForm(owner.page, server.url, "owner");
    await registerThroughForm(guest.page, server.url, "guest");

    await owner.page.getByTestId("new-room-open").click();
    await owner.page.getByTestId("new-room-name").fill("hideout");
    await owner.page.getByTestId("new-room-visibility").selectOption("private");
    await owner.page.getByTestId("create-room").click();
    const title = (page: UserPage) => page.page.getByTestId("room-title");
    await title(owner).getByText("# hideout", { exact: true }).waitFor();
    await owner.page.getByTestId("members-toggle").click();
    await owner.page.getByTestId("open-invite").click();
    await owner.page.getByTestId("link-uses").fill("1");
    await owner.page.getByTestId("create-link").click();
    const url = await owner.page.getByTestId("invite-link").inputValue();
    assert.match(url, /\/join\/[A-Za-z0-9_-]{22}$/);
    // Private: the guest's Discover does not list it.
    assert.equal(await guest.page.getByText("# hideout", { exact: true }).count(), 0);

    await guest.page.goto(url);
    await guest.page.getByTestId("accept-invite").click();
    await title(guest).getByText("# hideout", { exact: true }).waitFor();
    await guest.page.getByTestId("system-message").getByText(/guest\S* joined with an invite link/)
      .waitFor();

    // The members panel, open behind the invite dialog, lists the guest as they join.
    const guestRow = owner.page.locator("[data-testid=member-row][data-user=guest]");
    await owner.page.getByTestId("invite-close").click();
    await guestRow.getByTestId("member-actions").click();
    await guestRow.getByTestId("member-mute").click();
    await guestRow.getByText("member · muted", { exact: true }).waitFor();

    // Told before trying to send: a notice naming who muted them, and a composer saying so.
    await guest.page.getByTestId("notice").getByText("owner muted you in #hideout", {
      exact: false,
    })
      .waitFor();
    await guest.page.getByTestId("composer-muted")
      .getByText("owner muted you in this room: you can read it, but not post.", { exact: true })
      .waitFor();
    assert.equal(await guest.page.getByTestId("composer").count(), 0, "no box to type into");
    await screenshot(guest.page, "muted-notice");

    await guestRow.getByTestId("member-kick").click();
    await owner.page.getByTestId("system-message").getByText(/guest\S* was kicked by owner/)
      .waitFor();
    await guest.page.getByTestId("notice").getByText("owner removed you from #hideout.").waitFor();
    await eventually(async () => {
      assert.equal(await title(guest).getByText("# hideout", { exact: true }).count(), 0);
    });
    assert.equal(await guest.page.getByText("# hideout", { exact: true }).count(), 0);
    const room = await roomIdOf(owner);
    const status = await guest.page.evaluate(async (id) => {
      return (await fetch(`/api/rooms/${id}/members`)).status;
    }, room);
    assert.equal(status, 404, "the kicked guest can no longer read the room");
  }));

/** An owner's private room "hideout" and a link to it valid for an hour and `maxUses` joins. */
async function hideoutLink(server: { url: string }, maxUses: number) {
  const owner = await registerUser(server.url, "owner");
  const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
    name: "hideout",
    visibility: "private",
  });
  const room = created.body.room.id;
  const link = await api<InviteLinkView>(server.url, owner, "POST", `/api/rooms/${room}/links`, {
    expiresInHours: 1,
    maxUses,
  });
  return { owner, link };
}

Deno.test("a logged-out visitor opens an invite link, signs up and lands on the join page, then joins", () =>
  withBrowserChat(async ({ server, open }) => {
    const { link } = await hideoutLink(server, 1);
    const guest = await open();
    await guest.page.goto(`${server.url}${link.body.url}`);
    await guest.page.waitForURL(/\/login\?next=/);
    await guest.page.getByTestId("auth-next").waitFor();
    await screenshot(guest.page, "login-for-invite");
    await guest.page.getByRole("link", { name: "Create an account" }).click();
    await guest.page.waitForURL(/\/register\?next=/);
    await guest.page.getByLabel("Username").fill("newcomer");
    await guest.page.getByLabel("Password").fill(TEST_PASSWORD);
    await guest.page.getByRole("button", { name: "Sign up" }).click();
    await guest.page.waitForURL(`${server.url}${link.body.url}`);
    await guest.page.getByText("Join “hideout”", { exact: true }).waitFor();
    await guest.page.getByTestId("accept-invite").click();
    await guest.page.getByTestId("room-title").getByText("# hideout", { exact: true }).waitFor();
    await waitForConnection(guest.page, "online");
    await guest.page.getByTestId("system-message").getByText("newcomer joined with an invite link")
      .waitFor();
  }));

async function roomIdOf(user: UserPage): Promise<string> {
  const hash = await user.page.evaluate(() => location.hash);
  return decodeURIComponent(hash.replace(/^#room=/, ""));
}

Deno.test("a link whose maker an administrator disabled shows as paused on the join page, and joins again once the account is enabled", () =>
  withBrowserChat(async ({ server, open }) => {
    const { owner, link } = await hideoutLink(server, 5);
    const guest = await open();
    await registerThroughForm(guest.page, server.url, "guest");
    await guest.page.goto(`${server.url}${link.body.url}`);
    await guest.page.getByText("Join “hideout”", { exact: true }).waitFor();
    // The owner is disabled while the guest looks at the page.
    const accounts = new Accounts(server.kv, systemClock);
    assert.equal(await accounts.setDisabled(owner.id, true), true);
    await guest.page.getByTestId("accept-invite").click();
    await guest.page.getByTestId("join-error")
      .getByText("This invite link is paused: the account that made it is disabled").waitFor();
    await screenshot(guest.page, "join-paused");
    await guest.page.goto(`${server.url}${link.body.url}`);
    await guest.page.getByTestId("join-error").getByText(/paused/).waitFor();
    assert.equal(await guest.page.getByTestId("accept-invite").count(), 0);

    assert.equal(await accounts.setDisabled(owner.id, false), true);
    await guest.page.goto(`${server.url}${link.body.url}`);
    await guest.page.getByTestId("accept-invite").click();
    await guest.page.getByTestId("room-title").getByText("# hideout", { exact: true }).waitFor();
  }));
