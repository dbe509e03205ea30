/**
 * Browser test of the conversation and friend lists a page came with, when they changed
 * between its render and its first socket: the page's socket is held (`routeWebSocket`) after
 * the page read its lists, a group room, a DM and a friend's acceptance come meanwhile (their
 * events go out to no socket of the page), and once the socket is let through the page shows
 * them all without a reload: its first `welcome` carries newer marks than the page's lists,
 * and the page reads those lists again (`client/follow_lists.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  markPage,
  pageMark,
  pageUser,
  registerThroughForm,
  screenshot,
  sessionOf,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api, befriend, createRoom, registerUser } from "./helpers/chat_client.ts";
import type { Page } from "playwright-core";

/**
 * Holds the page's sockets (`routeWebSocket`) until `release()`: `reached` resolves once the
 * page opened one, so it has read its lists and no socket of it is there to be told.
 */
async function holdSockets(page: Page) {
  const reached = Promise.withResolvers<void>();
  const held = Promise.withResolvers<void>();
  await page.routeWebSocket(/\/ws\b/, async (socket) => {
    reached.resolve();
    await held.promise;
    socket.connectToServer();
  });
  return { reached: reached.promise, release: () => held.resolve() };
}

Deno.test("a room, a DM and a friend that came between the page's render and its first socket show without a reload", () =>
  withBrowserChat(async ({ url, open }) => {
    const { page, context } = await open();
    await registerThroughForm(page, url, "alice");
    const alice = await sessionOf(context, await pageUser(page));
    const bob = await registerUser(url, "bob");
    const carol = await registerUser(url, "carol");
    await befriend(url, bob, alice);
    const asked = await api(url, alice, "POST", "/api/friends/requests", { username: carol.name });
    assert.equal(asked.status, 201);
    const room = await createRoom(url, bob, [], "atrium");

    // The page is loaded again, and its socket held: the page has read its lists, and no
    // socket of it is there to be told of a change.
    const socket = await holdSockets(page);
    await page.reload();
    await socket.reached;
    const mark = await markPage(page);
    const roomItem = page.locator(`[data-testid=room-item][data-room-id="${room.id}"]`);
    const dmItem = page.locator("[data-testid=dm-item]");
    const carolItem = page.locator(`[data-testid=friend-item][data-username="${carol.name}"]`);
    await page.locator(`[data-testid=outgoing-request][data-username="${carol.name}"]`).waitFor();
    assert.equal(await roomItem.count(), 0, "not in the room yet");
    assert.equal(await dmItem.count(), 0, "no DM yet");
    assert.equal(await carolItem.count(), 0, "carol has not answered yet");

    const added = await api(url, bob, "POST", `/api/rooms/${room.id}/invites`, {
      username: alice.name,
    });
    assert.equal(added.status, 204, "bob adds alice to the room");
    const dm = await api(url, bob, "POST", "/api/dms", { username: alice.name });
    assert.equal(dm.status, 200, "bob opens a DM with alice");
    const accepted = await api(url, carol, "POST", `/api/friends/requests/${alice.name}/accept`);
    assert.equal(accepted.status, 204, "carol accepts alice's request");

    socket.release();
    await waitForConnection(page, "online");
    await roomItem.getByText("# atrium").waitFor();
    await dmItem.getByText(`@ ${bob.name}`).waitFor();
    await carolItem.waitFor();
    await screenshot(page, "lists-after-first-socket");
    assert.equal(await pageMark(page), mark, "the page was not reloaded");
  }));

Deno.test("a DM opened while the page reads its conversation list again stays listed when the older answer comes in", () =>
  withBrowserChat(async ({ url, open }) => {
    const { page, context } = await open();
    await registerThroughForm(page, url, "alice");
    const alice = await sessionOf(context, await pageUser(page));
    const bob = await registerUser(url, "bob");
    await befriend(url, bob, alice);
    const room = await createRoom(url, bob, [], "atrium");

    // The page's first socket is held, and a room joined meanwhile is told to none of it: its
    // welcome's mark makes the page read the list again. That read's answer is held too, once
    // the server made it, while Bob opens a DM, told live (a DM posts no message, so no
    // `activity` notice lists it again by another way).
    const socket = await holdSockets(page);
    const listRead = Promise.withResolvers<void>();
    const answerHeld = Promise.withResolvers<void>();
    await page.route((address) => address.pathname === "/api/conversations", async (route) => {
      const response = await route.fetch();
      listRead.resolve();
      await answerHeld.promise;
      await route.fulfill({ response });
    });
    await page.reload();
    await socket.reached;
    const mark = await markPage(page);
    const added = await api(url, bob, "POST", `/api/rooms/${room.id}/invites`, {
      username: alice.name,
    });
    assert.equal(added.status, 204, "bob adds alice to the room");
    socket.release();
    await waitForConnection(page, "online");
    await listRead.promise;
    const dm = await api(url, bob, "POST", "/api/dms", { username: alice.name });
    assert.equal(dm.status, 200, "bob opens a DM with alice");
    const roomItem = page.locator(`[data-testid=room-item][data-room-id="${room.id}"]`);
    const dmItem = page.locator("[data-testid=dm-item]");
    await dmItem.getByText(`@ ${bob.name}`).waitFor();
    assert.equal(await roomItem.count(), 0, "the room is not listed before the answer");

    answerHeld.resolve();
    // The answer lists the room and not the DM: both show once it is taken.
    await roomItem.getByText("# atrium").waitFor();
    assert.equal(await dmItem.count(), 1, "the DM opened during the read is still listed");
    await screenshot(page, "lists-live-dm-during-read");
    assert.equal(await pageMark(page), mark, "the page was not reloaded");
  }));
