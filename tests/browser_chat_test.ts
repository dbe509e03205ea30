/**
 * Browser tests: headless Chromium drives the real pages and islands against a real server
 * (in-process, on a free port, in-memory KV). Nothing is mocked; the offline tests cut the
 * network with the browser's own offline mode, and one blocks the WebSocket at the browser.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of the register page, a conversation and the
 * offline state.
 *
 * @module
 */
import assert from "node:assert/strict";
import { roomHash } from "../client/room_hash.ts";
import { type Config, readConfig } from "../lib/server/config.ts";
import {
  type BrowserChat,
  connectionState,
  createRoomThroughForm,
  eventually,
  joinFromDiscover,
  markPage,
  messageSeqs,
  messagesWithText,
  messageTexts,
  pageMark,
  pageUser,
  registerThroughForm,
  screenshot,
  selectRoom,
  sendThroughComposer,
  sessionOf,
  TEST_PASSWORD,
  twoUsersInRoom,
  type UserPage,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import type { ServerFrame } from "../lib/common/protocol.ts";
import { startTestServer } from "./helpers/test_server.ts";

/**
 * Server pings every second, so a client whose network is gone notices the silence after
 * 2.5 s (the shipped 25 s interval would take a minute).
 */
const FAST_HEARTBEAT: Partial<Config> = { heartbeatMs: 1_000 };
/** Reconnecting waits out a jittered backoff; generous for loaded CI machines. */
const RECONNECT_TIMEOUT_MS = 20_000;

/** Runs `fn` with a fresh server (with `config`) and browser; see `withBrowserChat`. */
function withChat(config: Partial<Config>, fn: (chat: BrowserChat) => Promise<void>) {
  return withBrowserChat(fn, { config });
}

/** Waits until the user's own message with this text is acknowledged (`sent`). */
async function waitUntilSent(user: UserPage, text: string, timeoutMs?: number): Promise<void> {
  await eventually(async () => {
    assert.equal(await messagesWithText(user.page, text).getAttribute("data-status"), "sent");
  }, timeoutMs);
}

/** The texts stored in a room, as the server's history answers a WebSocket (newest 100). */
async function storedTexts(url: string, user: TestUser, room: string): Promise<string[]> {
  const socket = new TestSocket(url, user);
  try {
    await socket.next("welcome");
    socket.send({ type: "history", ref: "stored", room });
    const page = await socket.next("history", (frame) => frame.ref === "stored");
    return page.messages.map((message) => message.text);
  } finally {
    await socket.close();
  }
}

/** Answers the server's pings, so the heartbeat does not drop a socket that only listens. */
function keepAlive(socket: TestSocket): void {
  socket.socket.addEventListener("message", (event) => {
    if (JSON.parse(event.data).type === "ping") socket.send({ type: "pong" });
  });
}

/**
 * A user's client as bare sockets subscribed to one room: when the server drops one (with the
 * 1 s heartbeat of these tests, a test process busy driving Chromium on a loaded machine can
 * miss two pings), it opens another and resumes after the last seq it holds, as the app does.
 * {@linkcode RoomWatcher.messages} is every message frame of the room its sockets received.
 */
class RoomWatcher {
  readonly #sockets: TestSocket[] = [];
  #head = 0;
  #closing = false;
  #reopening: Promise<void> = Promise.resolve();

  constructor(readonly url: string, readonly user: TestUser, readonly room: string) {}

  /** Opens a socket and subscribes, after `after` when resuming. */
  async open(after?: number): Promise<void> {
    const socket = new TestSocket(this.url, this.user);
    keepAlive(socket);
    this.#sockets.push(socket);
    await socket.next("welcome");
    const subscribed = await socket.subscribe(this.room, after);
    if (after === undefined) this.#head = subscribed.head;
    void socket.closed.then(() => {
      if (this.#closing) return;
      this.#reopening = this.open(this.messages().at(-1)?.seq ?? this.#head);
    });
  }

  /** The room's message frames all its sockets received, in arrival order. */
  messages(): Extract<ServerFrame, { type: "message" }>[] {
    return this.#sockets.flatMap((socket) => socket.messages(this.room));
  }

  /** Waits until `count` messages have arrived. */
  async waitForMessages(count: number): Promise<void> {
    await eventually(() => assert.ok(this.messages().length >= count, `${count} messages`));
  }

  /** Closes its sockets (and stops reopening them). */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#reopening.catch(() => {});
    await Promise.all(this.#sockets.map((socket) => socket.close()));
  }
}

function assertStrictlyIncreasing(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.ok(seqs[i]! > seqs[i - 1]!, `seq ${seqs[i]} follows ${seqs[i - 1]}: ${seqs}`);
  }
}

Deno.test("two users in two browser contexts register, join one room and see each other's messages live", async () => {
  await withChat({}, async (chat) => {
    const alice = await chat.open();
    await alice.page.goto(`${chat.url}/register`);
    await screenshot(alice.page, "register");
    await registerThroughForm(alice.page, chat.url, "alice");
    const room = await createRoomThroughForm(alice.page, "general", "Anything goes");
    const bob = await chat.open();
    await registerThroughForm(bob.page, chat.url, "bob");
    assert.equal(await joinFromDiscover(bob.page, "general"), room);
    // The join is in the room's log (seq 1), shown live to Alice as a system message.
    await alice.page.getByTestId("system-message").getByText("bob joined", { exact: true })
      .waitFor();
    const marks = [await markPage(alice.page), await markPage(bob.page)];

    const hello = "Hi Bob, welcome to #general";
    const reply = "Hello Alice! Glad to be here.";
    await sendThroughComposer(alice.page, hello);
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), [hello]));
    await sendThroughComposer(bob.page, reply);
    await eventually(async () => assert.deepEqual(await messageTexts(alice.page), [hello, reply]));
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), [hello, reply]));

    for (const [user, own, other] of [[alice, hello, reply], [bob, reply, hello]] as const) {
      await waitUntilSent(user, own);
      const mine = messagesWithText(user.page, own);
      assert.match(await mine.getAttribute("class") ?? "", /\bown\b.*\bsent\b/);
      const theirs = messagesWithText(user.page, other);
      assert.equal(await theirs.getAttribute("data-status"), null);
      assert.equal(await theirs.getAttribute("class"), "message");
      assert.deepEqual(await messageSeqs(user.page), [2, 3], "after Bob's join (seq 1)");
    }
    assert.deepEqual([await pageMark(alice.page), await pageMark(bob.page)], marks);
    await screenshot(alice.page, "chat-two-users");
  });
});

Deno.test("a reload shows the room's history in order and keeps the selected room", async () => {
  await withChat({}, async (chat) => {
    const alice = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    const lobby = await createRoomThroughForm(alice.page, "lobby");
    // The newest room is the default one, so a restored "lobby" comes from the URL.
    await createRoomThroughForm(alice.page, "random");
    assert.equal(await selectRoom(alice.page, "lobby"), lobby);
    const bob = await registerUser(chat.url, "bob");
    assert.equal((await api(chat.url, bob, "POST", `/api/rooms/${lobby}/join`)).status, 200);
    const bobSocket = new TestSocket(chat.url, bob);
    try {
      await bobSocket.next("welcome");
      await sendThroughComposer(alice.page, "first, from alice");
      await waitUntilSent(alice, "first, from alice");
      bobSocket.send({
        type: "send",
        room: lobby,
        clientId: "bob-reply-1",
        text: "second, from bob",
      });
      await bobSocket.next("ack");
      await messagesWithText(alice.page, "second, from bob").waitFor();
      await sendThroughComposer(alice.page, "third, from alice");
      await waitUntilSent(alice, "third, from alice");
    } finally {
      await bobSocket.close();
    }

    await alice.page.reload();
    await alice.page.locator(".room-header h2").getByText("# lobby", { exact: true }).waitFor();
    const selected = alice.page.getByTestId("room-item").locator("[aria-current=page]");
    assert.equal(await selected.locator(".room-name").textContent(), "# lobby");
    const history = ["first, from alice", "second, from bob", "third, from alice"];
    await eventually(async () => assert.deepEqual(await messageTexts(alice.page), history));
    assert.deepEqual(await messageSeqs(alice.page), [2, 3, 4], "after Bob's join (seq 1)");
    await waitUntilSent(alice, "third, from alice");
  });
});

Deno.test("a user who was offline sees what was said meanwhile without reloading", async () => {
  await withChat(FAST_HEARTBEAT, async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "standup");
    await sendThroughComposer(alice.page, "before the outage");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), ["before the outage"])
    );
    const mark = await markPage(bob.page);

    await bob.context.setOffline(true);
    // An open WebSocket survives Chromium's offline mode (its frames are held back), so the
    // client only learns of the outage from the missing heartbeats.
    await waitForConnection(bob.page, "offline", "reconnecting");
    // The banner says which: offline (the browser says so) or trying to reconnect.
    await eventually(async () => {
      const status = await bob.page.getByTestId("connection-status").getAttribute("data-status");
      const banner = await bob.page.getByTestId("offline-banner").textContent();
      assert.match(banner ?? "", status === "offline" ? /^You are offline/ : /^Reconnecting…/);
    });
    await screenshot(bob.page, "offline");
    const meanwhile = ["one while you were out", "two while you were out", "three, still out"];
    for (const text of meanwhile) await sendThroughComposer(alice.page, text);
    for (const text of meanwhile) await waitUntilSent(alice, text);
    assert.deepEqual(await messageTexts(bob.page), ["before the outage"]);

    await bob.context.setOffline(false);
    await eventually(async () => {
      assert.deepEqual(await messageTexts(bob.page), ["before the outage", ...meanwhile]);
    }, RECONNECT_TIMEOUT_MS);
    await waitForConnection(bob.page, "online");
    assert.deepEqual(await messageSeqs(bob.page), [2, 3, 4, 5], "after Bob's join (seq 1)");
    assert.equal(await pageMark(bob.page), mark, "the page was reloaded");
  });
});

Deno.test("a message typed while offline is delivered exactly once when the network returns", async () => {
  await withChat(FAST_HEARTBEAT, async (chat) => {
    const { alice, bob, room } = await twoUsersInRoom(chat, "trains");
    await bob.context.setOffline(true);
    await waitForConnection(bob.page, "offline", "reconnecting");
    const text = "written in a tunnel";
    await sendThroughComposer(bob.page, text);
    const mine = messagesWithText(bob.page, text);
    assert.equal(await mine.getAttribute("data-status"), "pending");
    assert.match(await mine.getAttribute("class") ?? "", /\bown\b.*\bpending\b/);
    assert.equal(await messagesWithText(alice.page, text).count(), 0);

    await bob.context.setOffline(false);
    await messagesWithText(alice.page, text).waitFor({ timeout: RECONNECT_TIMEOUT_MS });
    await waitUntilSent(bob, text);
    assert.deepEqual(await messageTexts(alice.page), [text]);
    assert.deepEqual(await messageTexts(bob.page), [text]);

    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    assert.deepEqual(await storedTexts(chat.url, aliceUser, room), ["bob joined", text]);
    const fresh = await alice.context.newPage();
    await fresh.goto(`${chat.url}/${roomHash(room)}`);
    await messagesWithText(fresh, text).waitFor();
    assert.deepEqual(await messageTexts(fresh), [text]);
    await fresh.close();
  });
});

Deno.test("a message typed offline survives a page reload and is delivered once", async () => {
  await withChat(FAST_HEARTBEAT, async (chat) => {
    const bob = await chat.open();
    // Every WebSocket of Bob's pages goes through this gate: while it is shut, the page can
    // load over HTTP but its chat socket is closed at once, as if the server were unreachable.
    const gate = { open: true };
    await bob.context.routeWebSocket((url) => url.pathname === "/ws", (ws) => {
      if (gate.open) ws.connectToServer();
      else void ws.close({ code: 1011, reason: "blocked by the test" });
    });
    await registerThroughForm(bob.page, chat.url, "bob");
    const room = await createRoomThroughForm(bob.page, "outbox");
    const alice = await registerUser(chat.url, "alice");
    assert.equal((await api(chat.url, alice, "POST", `/api/rooms/${room}/join`)).status, 200);
    const watcher = new RoomWatcher(chat.url, alice, room);
    try {
      await watcher.open();

      await bob.context.setOffline(true);
      await waitForConnection(bob.page, "offline", "reconnecting");
      const text = "typed offline, then the tab was reloaded";
      await sendThroughComposer(bob.page, text);
      assert.equal(await messagesWithText(bob.page, text).getAttribute("data-status"), "pending");
      const outbox = await bob.page.evaluate(() =>
        Object.keys(localStorage).filter((key) => key.startsWith("chat.outbox"))
          .map((key) => localStorage.getItem(key)).join("")
      );
      assert.ok(outbox.includes(text), `the outbox in localStorage: ${outbox}`);
      gate.open = false;
      await bob.context.setOffline(false);
      await bob.page.reload();

      // The reloaded page shows the message from its saved outbox; the server has none yet.
      await messagesWithText(bob.page, text).waitFor();
      assert.equal(await messagesWithText(bob.page, text).getAttribute("data-status"), "pending");
      assert.notEqual(await connectionState(bob.page), "online");
      const joined = `${alice.name} joined`;
      assert.deepEqual(await storedTexts(chat.url, alice, room), [joined]);

      gate.open = true;
      await waitUntilSent(bob, text, RECONNECT_TIMEOUT_MS);
      assert.equal(await messagesWithText(bob.page, text).count(), 1);
      await watcher.waitForMessages(1);
      assert.deepEqual(await storedTexts(chat.url, alice, room), [joined, text]);
      assert.deepEqual(watcher.messages().map((message) => message.text), [text]);
      const saved = await bob.page.evaluate(() => Object.keys(localStorage));
      assert.deepEqual(saved.filter((key) => key.startsWith("chat.outbox")), []);
    } finally {
      await watcher.close();
    }
  });
});

Deno.test("messages typed offline in a tab closed before it was back are sent once by another tab", async () => {
  await withChat(FAST_HEARTBEAT, async (chat) => {
    const bob = await chat.open();
    await registerThroughForm(bob.page, chat.url, "bob");
    const room = await createRoomThroughForm(bob.page, "two tabs");
    const alice = await registerUser(chat.url, "alice");
    assert.equal((await api(chat.url, alice, "POST", `/api/rooms/${room}/join`)).status, 200);
    const watcher = new RoomWatcher(chat.url, alice, room);
    const second = await bob.context.newPage();
    try {
      await watcher.open();
      await second.goto(bob.page.url());
      await waitForConnection(second, "online");

      await bob.context.setOffline(true);
      await waitForConnection(second, "offline", "reconnecting");
      await waitForConnection(bob.page, "offline", "reconnecting");
      const fromClosedTab = "typed in the tab that was closed";
      const fromOpenTab = "typed in the tab that stayed open";
      await sendThroughComposer(second, fromClosedTab);
      await messagesWithText(second, fromClosedTab).waitFor();
      // The open tab writes its own outbox after the other tab wrote its: both stay stored.
      await sendThroughComposer(bob.page, fromOpenTab);
      await messagesWithText(bob.page, fromOpenTab).waitFor();
      await second.close();
      await bob.context.setOffline(false);

      await waitUntilSent(bob, fromClosedTab, RECONNECT_TIMEOUT_MS);
      await waitUntilSent(bob, fromOpenTab, RECONNECT_TIMEOUT_MS);
      await watcher.waitForMessages(2);
      const joined = `${alice.name} joined`;
      assert.deepEqual(
        (await storedTexts(chat.url, alice, room)).sort(),
        [joined, fromClosedTab, fromOpenTab].sort(),
      );
      assert.equal(await messagesWithText(bob.page, fromClosedTab).count(), 1);
      const saved = await bob.page.evaluate(() => Object.keys(localStorage));
      assert.deepEqual(saved.filter((key) => key.startsWith("chat.outbox")), []);
    } finally {
      await watcher.close();
    }
  });
});

Deno.test("HTML and script in messages, room names, topics and usernames render as text", async () => {
  await withChat({}, async (chat) => {
    const name = `<img src=x onerror="window.__xss=1">`;
    const topic = "<script>window.__xss=2</script>";
    const text = `<b>bold</b><img src=x onerror="window.__xss=3">`;
    const alice = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    await createRoomThroughForm(alice.page, name, topic);
    await sendThroughComposer(alice.page, text);
    await waitUntilSent(alice, text);

    const bob = await chat.open();
    await registerThroughForm(bob.page, chat.url, "bob");
    const listed = bob.page.getByTestId("discover-item");
    assert.equal(await listed.locator(".room-name").textContent(), `# ${name}`);
    assert.equal(await listed.locator(".discover-topic").textContent(), topic);
    await assertNoMarkup(bob);
    await joinFromDiscover(bob.page, name);
    await messagesWithText(bob.page, text).waitFor();

    await alice.page.reload(); // the server-rendered page and its island props
    for (const user of [alice, bob]) {
      const { page } = user;
      await messagesWithText(page, text).waitFor();
      assert.equal(await page.locator(".room-header h2").textContent(), `# ${name}`);
      assert.equal(await page.locator(".room-topic").textContent(), topic);
      const item = page.getByTestId("room-item");
      assert.equal(await item.locator(".room-name").textContent(), `# ${name}`);
      await assertNoMarkup(user);
    }

    const mallory = await chat.open();
    const { page } = mallory;
    await page.goto(`${chat.url}/register`);
    const evil = "<img src=x onerror=__xss=4>";
    const username = page.getByLabel("Username");
    // The form's own pattern would stop this in the browser; the server must refuse it too.
    await username.evaluate((input) => {
      input.removeAttribute("pattern");
      input.removeAttribute("maxlength");
    });
    await username.fill(evil);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByTestId("auth-error").waitFor();
    assert.equal(
      await page.getByTestId("auth-error").textContent(),
      "Username must be 3–32 characters: letters, digits, _ or -",
    );
    assert.equal(new URL(page.url()).pathname, "/register");
    assert.equal(await username.inputValue(), evil);
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss), undefined);
    await screenshot(page, "register-refused");
  });
});

/** No element was made from user text inside the chat island, and no injected code ran. */
async function assertNoMarkup({ page }: UserPage): Promise<void> {
  assert.equal(await page.locator(".chat-app :is(img, b, script)").count(), 0);
  assert.equal(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss), undefined);
}

Deno.test("pages carry security headers and the session cookie is HttpOnly and SameSite=Lax", async () => {
  await withChat({}, async (chat) => {
    const login = await fetch(`${chat.url}/login`);
    await login.body?.cancel();
    assert.equal(login.status, 200);
    assertSecurityHeaders(login.headers);

    const { page, context } = await chat.open();
    await page.goto(`${chat.url}/register`);
    await page.getByLabel("Username").fill("carol");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    const [registered] = await Promise.all([
      page.waitForResponse((response) =>
        response.request().method() === "POST" && new URL(response.url()).pathname === "/register"
      ),
      page.getByRole("button", { name: "Sign up" }).click(),
    ]);
    const setCookie = await registered.headerValue("set-cookie") ?? "";
    assert.match(setCookie, /^sid=[^;]+;/);
    assert.match(setCookie, /;\s*HttpOnly\b/i);
    assert.match(setCookie, /;\s*SameSite=Lax\b/i);
    assert.doesNotMatch(setCookie, /;\s*Secure\b/i);
    await page.waitForURL(`${chat.url}/`);
    const sid = (await context.cookies()).find((cookie) => cookie.name === "sid");
    assert.ok(sid);
    assert.deepEqual([sid.httpOnly, sid.sameSite, sid.secure], [true, "Lax", false]);
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /\bsid=/);
    const inline = await page.locator("script:not([src])").evaluateAll((scripts) =>
      scripts.map((script) => script.getAttribute("type"))
    );
    assert.deepEqual(inline, ["application/json"], "only the island's data block is inline");

    const home = await fetch(`${chat.url}/`, { headers: { cookie: `sid=${sid.value}` } });
    await home.body?.cancel();
    assert.equal(home.status, 200);
    assertSecurityHeaders(home.headers);

    const bundle = await page.locator("script[type=module]").getAttribute("src");
    assert.match(bundle ?? "", /^\/static\/islands\.[0-9a-f]{8}\.js$/);
    const js = await fetch(`${chat.url}${bundle}`, { headers: { "accept-encoding": "gzip" } });
    const body = await js.text();
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("content-encoding"), "gzip");
    assert.match(js.headers.get("cache-control") ?? "", /\bimmutable\b/);
    assert.match(js.headers.get("content-type") ?? "", /javascript/);
    assert.ok(body.length > 1000, "the bundle decompresses to JavaScript");
  });
});

Deno.test("the signed-in chat page is not stored by caches", async () => {
  const server = await startTestServer();
  try {
    const user = await registerUser(server.url, "dave");
    const home = await fetch(`${server.url}/`, { headers: { cookie: user.cookie } });
    await home.body?.cancel();
    assert.equal(home.status, 200);
    assert.match(home.headers.get("cache-control") ?? "", /\bno-store\b/);
  } finally {
    await server.close();
  }
});

function assertSecurityHeaders(headers: Headers): void {
  const csp = new Map(
    (headers.get("content-security-policy") ?? "").split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  const scriptSrc = csp.get("script-src") ?? csp.get("default-src") ?? [];
  assert.ok(scriptSrc.includes("'self'"), `script-src: ${scriptSrc}`);
  for (const unsafe of ["'unsafe-inline'", "'unsafe-eval'", "*"]) {
    assert.ok(!scriptSrc.includes(unsafe), `script-src allows ${unsafe}`);
  }
  assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
  assert.equal(headers.get("x-content-type-options"), "nosniff");
  assert.ok(
    ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
      .includes(headers.get("referrer-policy") ?? ""),
    `referrer-policy: ${headers.get("referrer-policy")}`,
  );
}

Deno.test("scrolling up loads older messages until the beginning of the room", async () => {
  // One user seeds 150 messages at once, far over the default send rate.
  const config = readConfig({ SEND_RATE: "10000", SEND_BURST: "10000" });
  await withChat(config, async (chat) => {
    const alice = await registerUser(chat.url, "alice");
    const created = await api<{ room: { id: string } }>(chat.url, alice, "POST", "/api/rooms", {
      name: "archive",
    });
    const room = created.body.room.id;
    const seeder = new TestSocket(chat.url, alice);
    try {
      await seeder.next("welcome");
      for (let i = 1; i <= 150; i++) {
        seeder.send({ type: "send", room, clientId: `seed-${i}-0000`, text: `message ${i}` });
      }
      for (let i = 1; i <= 150; i++) {
        await seeder.next("ack", (ack) => ack.clientId === `seed-${i}-0000`);
      }
    } finally {
      await seeder.close();
    }

    const bob = await chat.open();
    await registerThroughForm(bob.page, chat.url, "bob");
    await joinFromDiscover(bob.page, "archive");
    const { page } = bob;
    await messagesWithText(page, "message 150").waitFor();
    const firstPage = await messageSeqs(page);
    assert.equal(firstPage.at(-1), 150);
    assert.ok(!firstPage.includes(1), "the whole room loaded at once");
    assert.equal(await page.getByTestId("history-start").count(), 0);

    const scroller = page.locator(".message-scroller");
    await scroller.hover();
    await eventually(async () => {
      await page.mouse.wheel(0, -5_000);
      await page.getByTestId("history-start").waitFor({ timeout: 500 });
    });
    const all = await messageSeqs(page);
    assertStrictlyIncreasing(all);
    assert.deepEqual(all, Array.from({ length: 150 }, (_, i) => i + 1));
    assert.equal(await messagesWithText(page, "message 1").count(), 1);
  });
});
