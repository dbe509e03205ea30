/**
 * Browser tests of the sidebar's conversation list: it reorders live when a message arrives,
 * shows the preview and an unread badge, keeps that order after a reload, and loads more
 * conversations past the first page (with its button, or by scrolling); a link opens a
 * conversation that the first page does not hold; a message in a conversation past the first
 * page brings it to the top with its badge, without a reload.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { systemClock } from "../lib/common/clock.ts";
import { Rooms } from "../lib/rooms/rooms.ts";
import {
  createRoomThroughForm,
  eventually,
  joinFromDiscover,
  messageTexts,
  pageUser,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  type UserPage,
  withBrowserChat,
} from "./helpers/browser.ts";
import { type TestServer } from "./helpers/test_server.ts";
import { roomHash } from "../client/room_hash.ts";
import { openSocket, registerUser } from "./helpers/chat_client.ts";

/** Runs `fn` with a fresh server and browser; see `withBrowserChat`. */
function withChat(
  fn: (server: TestServer, open: () => Promise<UserPage>) => Promise<void>,
): Promise<void> {
  return withBrowserChat((chat) => fn(chat.server, chat.open));
}

/** Room names of the conversation list, top to bottom. */
function listed(page: Page): Promise<string[]> {
  return page.locator(".conversation-list .room-name").allTextContents();
}

/**
 * Alice, registered in a new page, then made the owner of `count` rooms named `room 0`… one
 * after the other (so room 0 is the least recently active); `rooms` are their ids in that order.
 * The page does not show them until it is loaded again.
 */
async function aliceInRooms(
  server: TestServer,
  open: () => Promise<UserPage>,
  count: number,
): Promise<UserPage & { rooms: string[] }> {
  const alice = await open();
  await registerThroughForm(alice.page, server.url, "alice");
  const user = await pageUser(alice.page);
  const rooms = new Rooms(server.kv, systemClock);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const made = await rooms.create(user.id, `room ${i}`);
    assert.ok(made.ok);
    ids.push(made.room.id);
  }
  return { ...alice, rooms: ids };
}

Deno.test("the conversation list moves a room to the top live when a message arrives", async () => {
  await withChat(async (server, open) => {
    const alice = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await createRoomThroughForm(alice.page, "alpha");
    await createRoomThroughForm(alice.page, "beta");
    await eventually(async () => assert.deepEqual(await listed(alice.page), ["# beta", "# alpha"]));

    const bob = await open();
    await registerThroughForm(bob.page, server.url, "bob");
    await joinFromDiscover(bob.page, "alpha");
    await sendThroughComposer(bob.page, "ping from bob");

    // Bob's join (a system message) is activity too: wait for his message itself.
    await eventually(async () => assert.deepEqual(await listed(alice.page), ["# alpha", "# beta"]));
    const alpha = alice.page.getByTestId("room-item").first();
    await alpha.getByTestId("conversation-preview").getByText("bob: ping from bob", { exact: true })
      .waitFor();
    await alpha.locator(".badge").getByText("1", { exact: true }).waitFor();
    await alpha.locator("time.conversation-time").waitFor();

    await alice.page.reload();
    await eventually(async () => assert.deepEqual(await listed(alice.page), ["# alpha", "# beta"]));
    assert.equal(
      await alice.page.getByTestId("room-item").first().getByTestId("conversation-preview")
        .textContent(),
      "bob: ping from bob",
    );
  });
});

Deno.test("the conversation list shows 50 conversations and loads the rest on demand", async () => {
  await withChat(async (server, open) => {
    const alice = await aliceInRooms(server, open, 57);
    await alice.page.reload();
    await eventually(async () => assert.equal((await listed(alice.page)).length, 50));
    // Clicked where it is: a click that scrolled it into view would load by scrolling first.
    await alice.page.getByTestId("load-more-conversations").dispatchEvent("click");
    await eventually(async () => assert.equal((await listed(alice.page)).length, 57));
    assert.equal(new Set(await listed(alice.page)).size, 57);
    assert.equal(await alice.page.getByTestId("load-more-conversations").count(), 0);
  });
});

Deno.test("a user in more conversations than a page opens an old one by its link and scrolls for the rest", async () => {
  await withChat(async (server, open) => {
    const alice = await aliceInRooms(server, open, 57);
    // Room 0 is the least recently active: not on the first page of 50. Its link, opened in a
    // fresh page load (a change of the hash alone would keep the page).
    await alice.page.goto(`${server.url}/${roomHash(alice.rooms[0]!)}`);
    await alice.page.reload();
    await alice.page.getByTestId("room-title").getByText("# room 0", { exact: true }).waitFor();
    await eventually(async () => assert.equal((await listed(alice.page)).length, 50));
    assert.ok(!(await listed(alice.page)).includes("# room 0"));
    await sendThroughComposer(alice.page, "still here");
    await eventually(async () => assert.deepEqual(await messageTexts(alice.page), ["still here"]));

    // Scrolling the sidebar to the end of the list loads the rest, with no click.
    await alice.page.getByTestId("load-more-conversations").scrollIntoViewIfNeeded();
    await eventually(async () => assert.equal((await listed(alice.page)).length, 57));
    assert.equal(new Set(await listed(alice.page)).size, 57);
    assert.equal(await alice.page.getByTestId("load-more-conversations").count(), 0);
  });
});

Deno.test("a message in the oldest of more conversations than a page moves it to the top with its unread badge, without a reload", async () => {
  await withChat(async (server, open) => {
    const alice = await aliceInRooms(server, open, 57);
    // Bob joins room 0 without a join message: it stays the least recently active for Alice.
    const bob = await registerUser(server.url, "bob");
    const oldest = alice.rooms[0]!;
    assert.ok((await new Rooms(server.kv, systemClock).join(bob.id, oldest)).ok);
    await alice.page.reload();
    await eventually(async () => assert.equal((await listed(alice.page)).length, 50));
    assert.ok(!(await listed(alice.page)).includes("# room 0"));
    // The notices are taken by the services loaded after first paint; the favicon they draw
    // says they run.
    await alice.page.locator("link[rel=icon][href^='data:image']").waitFor({ state: "attached" });

    const socket = await openSocket(server.url, bob);
    socket.send({ type: "send", room: oldest, clientId: "old-friend-1", text: "long time no see" });
    await socket.next("ack", (frame) => frame.clientId === "old-friend-1");
    await socket.close();

    await eventually(async () => assert.equal((await listed(alice.page))[0], "# room 0"));
    const item = alice.page.getByTestId("room-item").first();
    await item.getByTestId("conversation-preview")
      .getByText(`${bob.name}: long time no see`, { exact: true }).waitFor();
    await item.locator(".badge").getByText("1", { exact: true }).waitFor();
    await eventually(async () => assert.match(await alice.page.title(), /^\(1\) /));
    assert.equal((await listed(alice.page)).length, 51);
  });
});

Deno.test("Discover shows 20 public rooms and loads the rest with More rooms", async () => {
  await withChat(async (server, open) => {
    const alice = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    const owner = await pageUser(alice.page);
    const rooms = new Rooms(server.kv, systemClock);
    for (let i = 0; i < 23; i++) assert.ok((await rooms.create(owner.id, `open ${i}`)).ok);
    assert.ok((await rooms.create(owner.id, "secret", "", "private")).ok);
    const bob = await open();
    await registerThroughForm(bob.page, server.url, "bob");
    const items = bob.page.getByTestId("discover-item");
    await eventually(async () => assert.equal(await items.count(), 20));
    await bob.page.getByTestId("more-discover").click();
    await eventually(async () => assert.equal(await items.count(), 23));
    assert.equal(await bob.page.getByTestId("more-discover").count(), 0);
    assert.equal(await bob.page.getByText("# secret", { exact: true }).count(), 0);
    await screenshot(bob.page, "discover-more");
  });
});
