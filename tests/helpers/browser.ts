/**
 * Browser-test helpers: launches headless Chromium through `playwright-core` and drives the
 * real pages (the register form, the New room form, Discover, the composer) the way a user
 * does. Nothing here talks to the server behind the page's back.
 *
 * @module
 */
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from "playwright-core";
import type { ConnectionStatus } from "../../client/chat_client.ts";
import { roomFromHash } from "../../client/room_hash.ts";
import type { PublicUser } from "../../lib/common/api_types.ts";
import assert from "node:assert/strict";
import type { TestUser } from "./chat_client.ts";
import { startTestServer, type TestServer, type TestServerOptions } from "./test_server.ts";

/** Password every browser-registered test user gets. */
export const TEST_PASSWORD = "correct horse battery";

/** Chromium flags: no sandbox (containers, root), and no background traffic during tests. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** How long a page action or wait may take before the test fails. */
export const ACTION_TIMEOUT_MS = 15_000;

/** One connection state, as the status indicator's `data-status` shows it. */
export type ConnectionState = ConnectionStatus["state"];

/**
 * Chromium flags for tests that record: a fake microphone (a beep) and camera (a test
 * pattern), and permission granted without a prompt.
 */
export const FAKE_MEDIA_ARGS = [
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
];

/**
 * Launches headless Chromium: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, with
 * {@linkcode CHROMIUM_ARGS} and `extraArgs`. Close it with `browser.close()`, which also
 * closes its contexts.
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * try {
 *   const { page } = await openPage(browser);
 *   await page.goto("http://127.0.0.1:8000/login");
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** A page in its own browser context (own cookies and storage), with its uncaught errors. */
export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page; a test should end with none. */
  errors: string[];
  /** Console reports of Content Security Policy violations; a test should end with none. */
  cspViolations: string[];
}

/** Options of {@linkcode openPage}. */
export interface OpenPageOptions {
  /**
   * The browser's language, sent as `Accept-Language` and used by `Intl`. Default `en-US`,
   * set explicitly so tests that find controls by their English text get the English UI
   * whatever the machine's language.
   */
  locale?: string;
  /** Window size; default 1100×720. */
  viewport?: { width: number; height: number };
  /** The system's colour scheme the page sees (`prefers-color-scheme`); default light. */
  colorScheme?: "light" | "dark";
  /** A phone: a touch screen and no mouse (`hasTouch`, `isMobile`); default false. */
  touch?: boolean;
}

/** Opens a fresh context (a separate "browser profile") and a page in it. */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<UserPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1100, height: 720 },
    locale: options.locale ?? "en-US",
    colorScheme: options.colorScheme ?? "light",
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  const cspViolations: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error.stack ?? error)));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page, errors, cspViolations };
}

/** A fresh chat server and Chromium, for one browser test. */
export interface BrowserChat {
  /** The server, such as `http://127.0.0.1:PORT`. */
  url: string;
  /** The server itself, for checks behind the UI (its KV, its hub). */
  server: TestServer;
  browser: Browser;
  /** Opens a page in a new browser context: a separate user with empty cookies and storage. */
  open(options?: OpenPageOptions): Promise<UserPage>;
}

/**
 * Runs `fn` with a fresh test server and Chromium, closes both, and fails the test when any
 * page it opened had an uncaught error or a Content Security Policy violation. `chromiumArgs`
 * are added to Chromium's flags (such as {@linkcode FAKE_MEDIA_ARGS}).
 *
 * @example
 * ```ts
 * Deno.test("a user signs up", () =>
 *   withBrowserChat(async (chat) => {
 *     const alice = await chat.open();
 *     await registerThroughForm(alice.page, chat.url, "alice");
 *   }));
 * ```
 */
export async function withBrowserChat(
  fn: (chat: BrowserChat) => Promise<void>,
  options: TestServerOptions = {},
  chromiumArgs: readonly string[] = [],
): Promise<void> {
  const server = await startTestServer(options);
  let browser: Browser | undefined;
  const pages: UserPage[] = [];
  try {
    browser = await launchChromium(chromiumArgs);
    const open = async (options?: OpenPageOptions) => {
      const page = await openPage(browser!, options);
      pages.push(page);
      return page;
    };
    await fn({ url: server.url, server, browser, open });
    for (const { errors, cspViolations } of pages) {
      assert.deepEqual(errors, [], "uncaught errors in a page");
      assert.deepEqual(cspViolations, [], "Content Security Policy violations in a page");
    }
  } finally {
    await browser?.close();
    await server.close();
  }
}

/**
 * Signs up through the real `/register` form and waits for the chat page to be connected.
 *
 * @param page A page of a context with no session.
 * @param baseUrl The server, such as `http://127.0.0.1:PORT`.
 * @param username A valid username, unique on the server.
 */
export async function registerThroughForm(
  page: Page,
  baseUrl: string,
  username: string,
): Promise<void> {
  await page.goto(`${baseUrl}/register`);
  // By field name, not label: the form reads the same in every language.
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(TEST_PASSWORD);
  await page.locator("form[action='/register'] button[type=submit]").click();
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId("whoami").getByText(username, { exact: true }).waitFor();
  await waitForConnection(page, "online");
}

/** Logs in through the real `/login` form and waits for the chat page to be connected. */
export async function logInThroughForm(
  page: Page,
  baseUrl: string,
  username: string,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(TEST_PASSWORD);
  await page.locator("form[action='/login'] button[type=submit]").click();
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId("whoami").getByText(username, { exact: true }).waitFor();
  await waitForConnection(page, "online");
}

/**
 * Creates a room through the sidebar's New room dialog and waits until it is shown.
 *
 * @returns The new room's id, read from `location.hash`.
 */
export async function createRoomThroughForm(
  page: Page,
  name: string,
  topic = "",
): Promise<string> {
  await page.getByTestId("new-room-open").click();
  await page.getByTestId("new-room-name").fill(name);
  await page.getByTestId("new-room-topic").fill(topic);
  await page.getByTestId("create-room").click();
  return await shownRoom(page, name);
}

/**
 * Joins a room listed under Discover by clicking its Join button; waits until it is shown.
 *
 * @returns The room's id, read from `location.hash`.
 */
export async function joinFromDiscover(page: Page, name: string): Promise<string> {
  const item = page.getByTestId("discover-item").filter({
    has: page.locator(".room-name").getByText(`# ${name}`, { exact: true }),
  });
  await item.getByTestId("join-room").click();
  return await shownRoom(page, name);
}

/** Options of {@linkcode twoUsersInRoom}: each user's page options (window size, language). */
export interface TwoUsersOptions {
  alice?: OpenPageOptions;
  bob?: OpenPageOptions;
}

/** Desktop windows for both users, wide enough for the message menu beside each message. */
export const DESKTOP_PAIR: TwoUsersOptions = {
  alice: { viewport: { width: 1440, height: 900 } },
  bob: { viewport: { width: 1440, height: 900 } },
};

/**
 * Alice registers and creates a public room named `roomName`; Bob registers in a second
 * browser context and joins it from Discover. Both are left looking at the room.
 *
 * @returns Both users' pages and the room's id.
 */
export async function twoUsersInRoom(
  chat: BrowserChat,
  roomName: string,
  options: TwoUsersOptions = {},
): Promise<{ alice: UserPage; bob: UserPage; room: string }> {
  const alice = await chat.open(options.alice);
  await registerThroughForm(alice.page, chat.url, "alice");
  const room = await createRoomThroughForm(alice.page, roomName);
  const bob = await chat.open(options.bob);
  await registerThroughForm(bob.page, chat.url, "bob");
  const joined = await joinFromDiscover(bob.page, roomName);
  if (joined !== room) throw new Error(`Bob joined ${joined}, not Alice's room ${room}`);
  return { alice, bob, room };
}

/** Selects one of the user's rooms in the sidebar ("Your rooms") and waits until it is shown. */
export async function selectRoom(page: Page, name: string): Promise<string> {
  await page.getByTestId("room-item").getByText(`# ${name}`, { exact: true }).click();
  return await shownRoom(page, name);
}

/** Types `text` into the composer and presses Enter, as a user sends a message. */
export async function sendThroughComposer(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId("composer");
  await composer.fill(text);
  await composer.press("Enter");
  await eventually(async () => {
    if (await composer.inputValue() !== "") throw new Error("the composer was not emptied");
  });
}

/** The texts of the messages shown in the room pane, top to bottom. */
export function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId("message-text").allTextContents();
}

/** The `data-seq` of every stored message shown, top to bottom (outbox entries have none). */
export async function messageSeqs(page: Page): Promise<number[]> {
  const seqs = await page.locator("[data-testid=message][data-seq]").evaluateAll((elements) =>
    elements.map((element) => element.getAttribute("data-seq"))
  );
  return seqs.map(Number);
}

/** The message rows whose text is exactly `text`. */
export function messagesWithText(page: Page, text: string): Locator {
  return page.getByTestId("message").filter({
    has: page.getByTestId("message-text").getByText(text, { exact: true }),
  });
}

/** The connection state the status indicator shows (its `data-status`). */
export async function connectionState(page: Page): Promise<string | null> {
  return await page.getByTestId("connection-status").getAttribute("data-status");
}

/**
 * Waits until the status indicator shows one of `states`. Attached is enough: on a phone the
 * indicator sits in the conversation list, which is hidden while a conversation is shown.
 */
export async function waitForConnection(
  page: Page,
  ...states: ConnectionState[]
): Promise<void> {
  const selector = states
    .map((state) => `[data-testid=connection-status][data-status=${state}]`)
    .join(", ");
  await page.locator(selector).waitFor({ state: "attached" });
}

/**
 * Runs `check` until it stops throwing, for assertions on a page that is still changing.
 *
 * @param check An assertion; its last error is thrown when the time runs out.
 * @param timeoutMs How long to keep trying.
 */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = ACTION_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Tags the page's JavaScript realm with a random token; {@linkcode pageMark} returns it until
 * the page is reloaded or navigated, so a test can prove that something happened live.
 */
export async function markPage(page: Page): Promise<string> {
  const token = crypto.randomUUID();
  await page.evaluate((value) => {
    (globalThis as { __testMark?: string }).__testMark = value;
  }, token);
  return token;
}

/** The token set by {@linkcode markPage}, or `undefined` after a reload. */
export function pageMark(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as { __testMark?: string }).__testMark);
}

/**
 * The signed-in user of a browser context as a {@linkcode TestUser}, with the context's own
 * session cookie and user hint, so a scripted `TestSocket` can look at the server as that user.
 */
export async function sessionOf(context: BrowserContext, user: PublicUser): Promise<TestUser> {
  const cookies = (await context.cookies()).filter((one) =>
    one.name === "sid" || one.name === "uid"
  );
  if (!cookies.some((one) => one.name === "sid")) {
    throw new Error(`no session cookie in the context of ${user.name}`);
  }
  return { ...user, cookie: cookies.map((one) => `${one.name}=${one.value}`).join("; ") };
}

/** The signed-in user as the page knows it (from the chat island's props). */
export async function pageUser(page: Page): Promise<PublicUser> {
  const json = await page.locator("script[data-island-props]").textContent();
  const props = JSON.parse(json ?? "{}") as { user?: PublicUser };
  if (!props.user) throw new Error("the page has no chat island props");
  return props.user;
}

/**
 * Saves a full-page PNG as `<name>.png` in the folder named by `SCREENSHOT_DIR`; does nothing
 * when it is unset, so ordinary test runs leave no files behind.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = Deno.env.get("SCREENSHOT_DIR");
  if (!dir) return;
  await Deno.mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

async function shownRoom(page: Page, name: string): Promise<string> {
  await page.locator(".room-header h2").getByText(`# ${name}`, { exact: true }).waitFor();
  let id: string | null = null;
  await eventually(async () => {
    id = roomFromHash(await page.evaluate(() => location.hash));
    if (id === null) throw new Error(`no room in the URL after showing #${name}`);
  });
  return id!;
}

/**
 * Opens the menu of the message with `text` (hover, as a mouse user does) and clicks `action`.
 * Hovers again when the menu is not shown: parts of the page that load after first paint can
 * shift the message out from under the pointer between the hover and the click.
 */
export async function menuAction(page: Page, text: string, action: string): Promise<void> {
  const message = messagesWithText(page, text);
  await eventually(async () => {
    await message.hover();
    await message.getByTestId(action).first().click({ timeout: 2_000 });
  });
}

/** Pastes a file into the composer the way the clipboard does (a `paste` event with files). */
export async function pasteFile(page: Page, bytes: Uint8Array, name: string, type: string) {
  await page.getByTestId("composer").evaluate(
    (box, { data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      box.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    },
    { data: [...bytes], name, type },
  );
}
