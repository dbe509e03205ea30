/**
 * Browser tests of notifications and the installable app, in Chromium with notification
 * permission granted through Playwright: a DM raises one notification per conversation while
 * the tab is hidden (the page's real path: the client's arrival, the notifier, the service
 * worker registration's `showNotification`, observed with `getNotifications()`), none while
 * the user looks at it, none at "Nothing"; a click (dispatched inside the service worker,
 * since Playwright cannot click an OS notification) opens the conversation. A level chosen on
 * another device while the page was offline applies once it reconnects, and so does one chosen
 * between the page's render and its first socket (the socket held with `routeWebSocket`). Two
 * hidden tabs of one user count each message once in the notification and chime once for it.
 * Then the manifest, the worker, and an offline reload that shows the shell and the last
 * messages.
 *
 * A tab is "hidden" by overriding `document.visibilityState` and `hasFocus()` and firing
 * `visibilitychange`: headless Chromium shows every page as visible and focused.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import {
  type BrowserChat,
  createRoomThroughForm,
  eventually,
  logInThroughForm,
  markPage,
  messagesWithText,
  pageMark,
  pageUser,
  registerThroughForm,
  screenshot,
  selectRoom,
  sendThroughComposer,
  sessionOf,
  type UserPage,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { assertAccessible } from "./helpers/axe.ts";
import {
  api,
  befriend,
  openSocket,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/**
 * Keeps, in the page, the `showNotification()` calls not yet answered, for
 * {@linkcode shownNotifications}. Call before the page loads the chat.
 */
async function trackShows(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const pending = new Set<Promise<void>>();
    (globalThis as { pendingShows?: Set<Promise<void>> }).pendingShows = pending;
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = function (...args) {
      const shown = show.apply(this, args);
      pending.add(shown);
      shown.finally(() => pending.delete(shown)).catch(() => undefined);
      return shown;
    };
  });
}

/**
 * The notifications the page's service worker registration shows now, read once no
 * `showNotification()` of the page is unanswered ({@linkcode trackShows}). Chromium stores a
 * notification before it is on screen, and `getNotifications()` deletes the stored ones the
 * screen does not show: read in between, it deleted the notification this test waited for.
 */
function shownNotifications(page: Page): Promise<Shown[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const pending = (globalThis as { pendingShows?: Set<Promise<void>> }).pendingShows;
    if (!pending) throw new Error("trackShows() was not called for this page");
    // No await between the last check and the read: no show can start in between.
    while (pending.size > 0) await Promise.allSettled([...pending]);
    const shown = await registration.getNotifications();
    return shown.map(({ title, body, tag }) => ({ title, body, tag }));
  });
}

/** Makes the page believe its tab is hidden and unfocused (or shown again), as a user would. */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => hide ? "hidden" : "visible",
    });
    document.hasFocus = () => !hide;
    document.dispatchEvent(new Event("visibilitychange"));
    dispatchEvent(new Event(hide ? "blur" : "focus"));
  }, hidden);
}

/** Turns notifications on in the profile dialog (permission is already granted). */
async function turnNotificationsOn(page: Page): Promise<void> {
  await page.getByTestId("edit-profile").click();
  const toggle = page.getByTestId("notify-enabled");
  await toggle.check();
  await eventually(async () => assert.ok(await toggle.isChecked()));
  await screenshot(page, "notify-settings");
  await page.getByTestId("profile-dialog").getByRole("button", { name: "Cancel" }).click();
}

/** The shown conversation's bell, when it says `level`. */
function bell(page: Page, level: "all" | "mentions" | "none") {
  return page.locator(`[data-testid=notify-menu][data-level=${level}]`);
}

/** Chooses a level in the shown conversation's bell menu and closes it. */
async function chooseLevel(page: Page, level: "all" | "mentions" | "none"): Promise<void> {
  await page.getByTestId("notify-menu").click();
  await page.getByTestId(`notify-level-${level}`).check();
  await bell(page, level).waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("notify-panel").waitFor({ state: "detached" });
}

/** Opens the DM with `friend` from the friend list; returns its room id. */
async function openDm(page: Page, friend: string): Promise<string> {
  await page.locator(`[data-testid=friend-item][data-username=${friend}]`)
    .getByTestId("message-friend").click();
  await page.getByTestId("room-title").getByText(`@ ${friend}`, { exact: true }).waitFor();
  let dm = "";
  await eventually(() => {
    dm = decodeURIComponent(new URL(page.url()).hash.slice("#room=".length));
    assert.notEqual(dm, "", "the selected DM is in the address");
  });
  return dm;
}

async function send(socket: TestSocket, room: string, text: string): Promise<void> {
  const clientId = crypto.randomUUID();
  socket.send({ type: "send", room, clientId, text });
  await socket.next("ack", (frame) => frame.clientId === clientId);
}

async function grant(context: BrowserContext, url: string): Promise<void> {
  await context.grantPermissions(["notifications"], { origin: url });
}

/**
 * Signs up `notified`, in a page with notification permission (its shows tracked, see
 * {@linkcode trackShows}) and notifications turned on, and `friend`, whose page is closed
 * again; makes them friends.
 */
async function notifiedFriends(
  url: string,
  open: BrowserChat["open"],
  notified: string,
  friend: string,
): Promise<{ page: UserPage; friend: TestUser }> {
  const page = await open();
  await grant(page.context, url);
  await trackShows(page.page);
  const other = await open();
  await registerThroughForm(page.page, url, notified);
  await registerThroughForm(other.page, url, friend);
  const notifiedUser = await sessionOf(page.context, await pageUser(page.page));
  const friendUser = await sessionOf(other.context, await pageUser(other.page));
  await befriend(url, notifiedUser, friendUser);
  await other.page.close();
  await turnNotificationsOn(page.page);
  return { page, friend: friendUser };
}

Deno.test("a DM raises one notification per conversation while the tab is hidden, none while read or at Nothing, and a click opens it", () =>
  withBrowserChat(async ({ server, open }) => {
    const { page: bob, friend: aliceUser } = await notifiedFriends(
      server.url,
      open,
      "bob",
      "alice",
    );
    await createRoomThroughForm(bob.page, "elsewhere");

    const friend = bob.page.locator("[data-testid=friend-item][data-username=alice]");
    await friend.getByTestId("message-friend").click();
    await bob.page.getByTestId("room-title").getByText("@ alice", { exact: true }).waitFor();
    const dm = decodeURIComponent(new URL(bob.page.url()).hash.slice("#room=".length));
    await screenshot(bob.page, "notify-dm-header");
    await bob.page.getByTestId("notify-menu").click();
    await bob.page.getByTestId("notify-panel").waitFor();
    await assertAccessible(bob.page, "the bell menu");
    await bob.page.keyboard.press("Escape");
    await bob.page.getByTestId("notify-panel").waitFor({ state: "detached" });
    const socket = await openSocket(server.url, aliceUser);
    await socket.subscribe(dm);

    // Looking at the conversation in a focused tab: nothing.
    await send(socket, dm, "while you look");
    await messagesWithText(bob.page, "while you look").waitFor();
    await send(socket, dm, "still looking");
    await messagesWithText(bob.page, "still looking").waitFor();

    // Hidden: one notification, updated by the next message instead of a second one.
    await setTabHidden(bob.page, true);
    await send(socket, dm, "first while away");
    await eventually(async () =>
      assert.deepEqual(await shownNotifications(bob.page), [
        { title: "alice", body: "first while away", tag: `room:${dm}` },
      ])
    );
    await send(socket, dm, "second while away");
    await eventually(async () =>
      assert.deepEqual(await shownNotifications(bob.page), [
        { title: "alice", body: "2 new messages · second while away", tag: `room:${dm}` },
      ])
    );

    // A click, dispatched in the service worker, opens the conversation in the tab.
    await selectRoom(bob.page, "elsewhere");
    const [worker] = bob.context.serviceWorkers();
    assert.ok(worker, "the chat's service worker runs");
    await worker.evaluate(async () => {
      const scope = globalThis as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(event: Event): boolean;
      };
      const [notification] = await scope.registration.getNotifications();
      const Click = (globalThis as unknown as {
        NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
      }).NotificationEvent;
      scope.dispatchEvent(new Click("notificationclick", { notification: notification! }));
    });
    await bob.page.getByTestId("room-title").getByText("@ alice", { exact: true }).waitFor();
    await eventually(async () => assert.deepEqual(await shownNotifications(bob.page), []));

    // "Nothing": the message arrives, no notification is raised. Back at "All messages", the
    // next one is alone in its notification, so the silent one was never counted.
    await setTabHidden(bob.page, false);
    await chooseLevel(bob.page, "none");
    await setTabHidden(bob.page, true);
    await send(socket, dm, "silent");
    await messagesWithText(bob.page, "silent").waitFor();
    await setTabHidden(bob.page, false);
    await chooseLevel(bob.page, "all");
    await setTabHidden(bob.page, true);
    await send(socket, dm, "loud");
    await eventually(async () =>
      assert.deepEqual(await shownNotifications(bob.page), [
        { title: "alice", body: "loud", tag: `room:${dm}` },
      ])
    );
    await socket.close();
  }));

Deno.test("a level chosen on another device while this page was offline applies when it reconnects, without a reload", () =>
  withBrowserChat(async ({ server, open }) => {
    // The laptop (A) and the phone (B) are alice's; bob writes to her.
    const notified = await notifiedFriends(server.url, open, "alice", "bob");
    const { page: laptop, friend: bobUser } = notified;
    const dm = await openDm(laptop.page, "bob");
    await bell(laptop.page, "all").waitFor();
    const mark = await markPage(laptop.page);
    await setTabHidden(laptop.page, true);
    // A first message loads the notifier, so that later ones are decided as they arrive (not
    // once its chunk has come, when the level may have changed again); its notification is
    // closed, so the next one counts from zero.
    const socket = await openSocket(server.url, bobUser);
    // The server drops a peer silent for 2.5 heartbeats (1 s here); this one does not answer
    // pings, so it says something more often.
    const alive = setInterval(() => socket.send({ type: "ping", ref: "alive" }), 300);
    try {
      await socket.subscribe(dm);
      await send(socket, dm, "earlier");
      await eventually(async () =>
        assert.deepEqual(await shownNotifications(laptop.page), [
          { title: "bob", body: "earlier", tag: `room:${dm}` },
        ])
      );
      await laptop.page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        for (const shown of await registration.getNotifications()) shown.close();
      });
      await eventually(async () => assert.deepEqual(await shownNotifications(laptop.page), []));

      // The laptop sleeps: its socket is dropped once the heartbeats stop (Chromium holds the
      // frames of an open socket back while offline, it does not close it).
      await laptop.context.setOffline(true);
      await waitForConnection(laptop.page, "offline", "reconnecting");
      const phone = await open();
      await logInThroughForm(phone.page, server.url, "alice");
      await phone.page.evaluate((hash) => location.hash = hash, `#room=${encodeURIComponent(dm)}`);
      await phone.page.getByTestId("room-title").getByText("@ bob", { exact: true }).waitFor();
      await chooseLevel(phone.page, "none");

      await laptop.context.setOffline(false);
      await waitForConnection(laptop.page, "online");
      await bell(laptop.page, "none").waitFor();
      await send(socket, dm, "silent");
      await messagesWithText(laptop.page, "silent").waitFor();
      // Back at "All messages" (told live now), the next message is alone in its notification:
      // the silent one raised none and was never counted.
      await chooseLevel(phone.page, "all");
      await bell(laptop.page, "all").waitFor();
      await send(socket, dm, "loud");
      await eventually(async () =>
        assert.deepEqual(await shownNotifications(laptop.page), [
          { title: "bob", body: "loud", tag: `room:${dm}` },
        ])
      );
      assert.equal(await pageMark(laptop.page), mark, "the laptop's page was not reloaded");
    } finally {
      clearInterval(alive);
      await socket.close();
    }
  }, { config: { heartbeatMs: 1_000 } }));

Deno.test("a level chosen on another device between the page's render and its first socket applies without a reload", () =>
  withBrowserChat(async ({ server, open }) => {
    const { page: alice } = await notifiedFriends(server.url, open, "alice", "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const dm = await openDm(alice.page, "bob");
    await bell(alice.page, "all").waitFor();

    // The page is loaded again, and its socket held: the page has read its levels, no socket
    // of it is there to be told of a change. Then the phone chooses "Nothing".
    const asked = Promise.withResolvers<void>();
    const held = Promise.withResolvers<void>();
    await alice.page.routeWebSocket(/\/ws\b/, async (socket) => {
      asked.resolve();
      await held.promise;
      socket.connectToServer();
    });
    await alice.page.reload();
    await alice.page.getByTestId("room-title").getByText("@ bob", { exact: true }).waitFor();
    await asked.promise;
    await bell(alice.page, "all").waitFor();
    const chosen = await api(server.url, aliceUser, "PUT", `/api/me/notifications/${dm}`, {
      level: "none",
    });
    assert.equal(chosen.status, 200);
    held.resolve();
    await waitForConnection(alice.page, "online");
    await bell(alice.page, "none").waitFor();
  }));

Deno.test("two hidden tabs of one user count every message of a conversation once and chime once for each", () =>
  withBrowserChat(async ({ server, open }) => {
    const { page: first, friend: bobUser } = await notifiedFriends(
      server.url,
      open,
      "alice",
      "bob",
    );
    // Each tab counts its chimes (one `resume()` of its audio context each).
    await first.context.addInitScript(() => {
      const scope = globalThis as { chimes?: number };
      scope.chimes = 0;
      const resume = AudioContext.prototype.resume;
      AudioContext.prototype.resume = function () {
        scope.chimes!++;
        return resume.call(this);
      };
    });
    await first.page.getByTestId("edit-profile").click();
    await first.page.getByTestId("notify-sound").check();
    await first.page.getByTestId("profile-dialog").getByRole("button", { name: "Cancel" }).click();
    const dm = await openDm(first.page, "bob");
    await first.page.reload();
    const second = await first.context.newPage();
    const errors: string[] = [];
    second.on("pageerror", (error) => errors.push(String(error.stack ?? error)));
    await trackShows(second);
    await second.goto(`${server.url}/#room=${encodeURIComponent(dm)}`);
    const tabs = [first.page, second];
    for (const tab of tabs) {
      await tab.getByTestId("room-title").getByText("@ bob", { exact: true }).waitFor();
      await waitForConnection(tab, "online");
      await setTabHidden(tab, true);
    }

    const socket = await openSocket(server.url, bobUser);
    try {
      await socket.subscribe(dm);
      const texts = ["one", "two", "three", "four"];
      for (const text of texts) await send(socket, dm, text);
      for (const tab of tabs) await messagesWithText(tab, "four").waitFor();
      const chimes = async () => {
        let sum = 0;
        for (const tab of tabs) {
          sum += await tab.evaluate(() => (globalThis as { chimes?: number }).chimes ?? 0);
        }
        return sum;
      };
      await eventually(async () => {
        assert.deepEqual(await shownNotifications(first.page), [
          { title: "bob", body: "4 new messages · four", tag: `room:${dm}` },
        ]);
        assert.equal(
          await chimes(),
          texts.length,
          "one chime per message, from one tab or the other",
        );
      });
      assert.deepEqual(await shownNotifications(second), [
        { title: "bob", body: "4 new messages · four", tag: `room:${dm}` },
      ]);
      assert.equal(await chimes(), texts.length);
      assert.deepEqual(errors, [], "uncaught errors in the second tab");
    } finally {
      await socket.close();
    }
  }));

Deno.test("the app installs: manifest and service worker served, and an offline reload shows the shell and the last messages", () =>
  withBrowserChat(async ({ server, open }) => {
    const manifestAnswer = await fetch(`${server.url}/manifest.webmanifest`);
    assert.match(manifestAnswer.headers.get("content-type") ?? "", /^application\/manifest\+json/);
    const manifest = await manifestAnswer.json();
    assert.equal(manifest.name, "Deno Chat");
    assert.equal(manifest.start_url, "/");
    assert.equal(manifest.display, "standalone");
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
    for (const [i, size] of [192, 512].entries()) {
      const icon = manifest.icons[i];
      assert.equal(icon.sizes, `${size}x${size}`);
      assert.match(icon.purpose, /maskable/);
      const png = new Uint8Array(await (await fetch(`${server.url}${icon.src}`)).arrayBuffer());
      assert.deepEqual([...png.slice(1, 4)], [..."PNG"].map((c) => c.charCodeAt(0)));
      assert.equal(new DataView(png.buffer).getUint32(16), size, "width from the IHDR");
    }
    const worker = await fetch(`${server.url}/sw.js`);
    assert.match(worker.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(worker.headers.get("cache-control"), "no-cache");
    assert.match(await worker.text(), /^const BUILD = \{"version":"[0-9a-f]{8}"/);

    const alice = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await createRoomThroughForm(alice.page, "kept");
    await sendThroughComposer(alice.page, "still here offline");
    await messagesWithText(alice.page, "still here offline").waitFor();
    // The worker keeps the page; the page keeps the room's messages (a few seconds later).
    await eventually(async () =>
      assert.ok(
        await alice.page.evaluate(async () => {
          const page = await (await caches.match("/"))?.text();
          const kept = await (await caches.open("chat-messages")).keys();
          return page?.includes(`"name":"kept"`) === true && kept.length > 0;
        }),
      )
    );

    await alice.context.setOffline(true);
    await alice.page.reload();
    await alice.page.locator(".room-header h2").getByText("# kept").waitFor();
    await messagesWithText(alice.page, "still here offline").waitFor();
    await waitForConnection(alice.page, "offline", "reconnecting");
    await screenshot(alice.page, "notify-offline");

    await alice.context.setOffline(false);
    await waitForConnection(alice.page, "online");
    await sendThroughComposer(alice.page, "back online");
    await messagesWithText(alice.page, "back online").waitFor();
    assert.equal(await messagesWithText(alice.page, "still here offline").count(), 1);
  }));

Deno.test("presence, finished: the DM header tells online and last seen until it is hidden, a member row opens the profile card, typing names the display name", () =>
  withBrowserChat(async ({ server, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await registerThroughForm(bob.page, server.url, "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
    await befriend(server.url, aliceUser, bobUser);
    const renamed = await api(server.url, aliceUser, "PATCH", "/api/me/profile", {
      displayName: "Alice Liddell",
    });
    assert.equal(renamed.status, 200);
    await alice.page.reload();

    const friend = bob.page.locator("[data-testid=friend-item][data-username=alice]");
    await friend.getByTestId("message-friend").click();
    const presence = bob.page.getByTestId("dm-presence");
    await presence.getByText(/^(Online|Away)$/).waitFor();

    // Typing in the DM shows her display name, not her username.
    await alice.page.locator("[data-testid=friend-item][data-username=bob]")
      .getByTestId("message-friend").click();
    await alice.page.getByTestId("composer").fill("hel");
    await bob.page.getByTestId("typing-indicator")
      .getByText("Alice Liddell is typing…", { exact: true }).waitFor();

    await alice.page.close();
    await presence.getByText(/^Last seen /).waitFor();
    await screenshot(bob.page, "notify-dm-last-seen");

    // She hides her last seen in the profile dialog: bob sees no time the next time she goes.
    const again = await alice.context.newPage();
    await again.goto(server.url);
    await presence.getByText(/^(Online|Away)$/).waitFor();
    await again.getByTestId("edit-profile").click();
    await again.getByTestId("hide-last-seen").check();
    await again.getByTestId("save-profile").click();
    await again.getByTestId("profile-dialog").waitFor({ state: "detached" });
    await again.close();
    await bob.page.getByTestId("room-title").getByTestId("presence-dot").waitFor({
      state: "detached",
    });
    await bob.page.reload();
    await bob.page.getByTestId("room-title").getByText("@ Alice Liddell").waitFor();
    assert.equal(await bob.page.getByTestId("dm-presence").textContent(), "");

    // A member row of a group room opens that member's profile card.
    const room = await createRoomThroughForm(bob.page, "book club");
    const joined = await api(server.url, aliceUser, "POST", `/api/rooms/${room}/join`);
    assert.equal(joined.status, 200);
    await bob.page.getByTestId("members-toggle").click();
    await bob.page.locator("[data-testid=member-row][data-user=alice]")
      .getByTestId("member-open").click();
    await bob.page.getByTestId("profile-card-name").getByText("Alice Liddell").waitFor();
  }));
