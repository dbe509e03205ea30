/**
 * The shell around the conversation: dialogs (Escape, focus back to the opener), the phone's
 * two screens, the on-screen keyboard, leaving a room, the live region and the theme.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { en } from "../lib/common/i18n/en.ts";
import { zhCN } from "../lib/common/i18n/zh_cn.ts";
import {
  createRoomThroughForm,
  joinFromDiscover,
  messagesWithText,
  pageUser,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  sessionOf,
  withBrowserChat,
} from "./helpers/browser.ts";
import { api, befriend } from "./helpers/chat_client.ts";

const SIZES = [{ width: 375, height: 812 }, { width: 1440, height: 900 }];

/** Whether the element has focus. */
const focused = (locator: Locator) =>
  locator.evaluate((element) => element === document.activeElement);

/** Whether the element's box lies inside the viewport. */
const inView = (locator: Locator) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight && box.height > 0;
  });

/**
 * Opens a dialog with `opener`, checks focus moved into it, closes it with Escape, and checks
 * focus is back on the opener at the very moment the dialog leaves the page (read by a
 * MutationObserver in the page), not some frames later.
 */
async function escapeReturnsFocus(
  page: Page,
  opener: Locator,
  testId: string,
  menu?: Locator,
): Promise<void> {
  // Behind a menu (the room header's "⋮" on a phone), the menu's button gets focus back.
  const returnsTo = menu ?? opener;
  if (menu) await menu.click();
  await opener.click();
  const dialog = page.locator(`dialog[open][data-testid=${testId}]`);
  await dialog.waitFor();
  assert.equal(
    await dialog.evaluate((element) => element.contains(document.activeElement)),
    true,
    `focus is inside ${testId}`,
  );
  // Not awaited here: the page keeps the promise, which settles when the dialog is removed.
  await dialog.evaluate((element) => {
    (globalThis as { focusAtRemoval?: Promise<string> }).focusAtRemoval = new Promise((resolve) => {
      new MutationObserver((_, observer) => {
        if (element.isConnected) return;
        observer.disconnect();
        const focused = document.activeElement;
        resolve(focused?.getAttribute("data-testid") ?? focused?.tagName ?? "none");
      }).observe(document.body, { childList: true, subtree: true });
    });
  });
  await page.keyboard.press("Escape");
  assert.equal(
    await page.evaluate(() => (globalThis as { focusAtRemoval?: Promise<string> }).focusAtRemoval),
    await returnsTo.getAttribute("data-testid"),
    `focus returned to the opener of ${testId} as it closed`,
  );
  assert.equal(await focused(returnsTo), true, `focus stays on the opener of ${testId}`);
}

for (const locale of ["en-US", "zh-CN"] as const) {
  for (const viewport of SIZES) {
    const size = `${viewport.width}×${viewport.height}`;
    Deno.test(`dialogs close with Escape and give focus back; the keyboard hides neither composer nor last message (${locale}, ${size})`, () =>
      withBrowserChat(async (chat) => {
        const { page } = await chat.open({ locale, viewport });
        const phone = viewport.width < 700;
        await registerThroughForm(page, chat.url, `shell_${locale.slice(0, 2)}_${viewport.width}`);
        const back = page.locator(".menu-toggle");
        // A new user on a phone has no conversation yet: the list is the screen, no way back.
        if (phone) {
          await page.locator("#chat-sidebar").waitFor({ state: "visible" });
          assert.equal(await back.isVisible(), false, "no back button with nothing behind");
        }
        await createRoomThroughForm(page, "lobby");
        for (let i = 1; i <= 30; i++) await sendThroughComposer(page, `line ${i}`);

        if (phone) {
          await back.click();
          await page.locator("#chat-sidebar").waitFor({ state: "visible" });
          await page.keyboard.press("Escape");
          await page.locator("#chat-sidebar").waitFor({ state: "hidden" });
          assert.equal(await focused(back), true, "Escape gives focus back to the back button");
          await back.click();
        }
        await escapeReturnsFocus(page, page.getByTestId("new-room-open"), "new-room-dialog");
        await escapeReturnsFocus(page, page.getByTestId("edit-profile"), "profile-dialog");
        if (phone) await page.keyboard.press("Escape");
        // A phone keeps Leave, settings and members behind the header's "⋮" menu.
        const more = phone ? page.getByTestId("room-header-more") : undefined;
        await escapeReturnsFocus(page, page.getByTestId("leave-room"), "confirm-dialog", more);
        const settings = page.getByTestId("room-settings-toggle");
        await more?.click();
        await settings.click();
        await page.getByTestId("room-settings").waitFor();
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });
        assert.equal(
          await focused(more ?? settings),
          true,
          "focus returned to the settings button",
        );
        const members = page.getByTestId("members-toggle");
        await more?.click();
        await members.click();
        await page.getByTestId("members-panel").getByTestId("member-row").waitFor();
        await page.keyboard.press("Escape");
        await page.getByTestId("members-panel").waitFor({ state: "detached" });
        assert.equal(await focused(more ?? members), true, "focus returned to the members button");

        const composer = page.getByTestId("composer");
        await composer.focus();
        await page.setViewportSize({ width: viewport.width, height: 420 });
        // The pane follows its new height in the frame after the resize (a ResizeObserver
        // runs then): look once two frames have been drawn, as a person would.
        await page.evaluate(() =>
          new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
        );
        const last = messagesWithText(page, "line 30");
        await screenshot(page, `shell-keyboard-${locale}-${viewport.width}`);
        assert.equal(await inView(composer), true, "the composer is in view");
        assert.equal(await inView(last), true, "the last message is in view");
      }));
  }
}

Deno.test("on a phone, Escape pressed at once after opening the conversation list closes it", () =>
  withBrowserChat(async (chat) => {
    const { page } = await chat.open({ viewport: { width: 375, height: 812 } });
    await registerThroughForm(page, chat.url, "quick");
    await createRoomThroughForm(page, "lobby");
    const list = page.locator("#chat-sidebar");
    await list.waitFor({ state: "hidden" });
    // The tap and the key in one task: before the page has even re-rendered for the tap.
    await page.evaluate(() => {
      document.querySelector<HTMLElement>(".menu-toggle")!.click();
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    await list.waitFor({ state: "hidden" });
    assert.equal(await page.locator(".chat-app.menu-open").count(), 0);
  }));

Deno.test("leaving the last room asks first, then shows the DM, never 'No conversations'", () =>
  withBrowserChat(async (chat) => {
    const alice = await chat.open();
    const bob = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    await registerThroughForm(bob.page, chat.url, "bob");
    const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
    const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
    await befriend(chat.url, aliceUser, bobUser);
    const opened = await api(chat.url, bobUser, "POST", "/api/dms", { username: "alice" });
    assert.ok(opened.status < 300, `opening the DM answered ${opened.status}`);
    await createRoomThroughForm(alice.page, "lobby");
    await bob.page.reload();
    await joinFromDiscover(bob.page, "lobby");
    await bob.page.getByTestId("leave-room").click();
    await bob.page.getByTestId("confirm-cancel").click();
    await bob.page.getByTestId("room-title").getByText("# lobby").waitFor();
    await bob.page.getByTestId("leave-room").click();
    await bob.page.getByTestId("confirm-ok").click();
    await bob.page.getByTestId("leave-room").waitFor({ state: "detached" });
    await screenshot(bob.page, "shell-after-leave");
    await bob.page.getByTestId("room-title").getByText("@ alice").waitFor();
    assert.equal(await bob.page.getByText(en["room.empty"]).count(), 0);
  }));

Deno.test("a message from someone else is announced politely; the loaded history is not", () =>
  withBrowserChat(async (chat) => {
    const alice = await chat.open();
    const bob = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    await registerThroughForm(bob.page, chat.url, "bob");
    await createRoomThroughForm(alice.page, "lobby");
    await sendThroughComposer(alice.page, "old news");
    await bob.page.reload();
    await joinFromDiscover(bob.page, "lobby");
    const announcer = bob.page.getByTestId("announcer");
    assert.equal(await announcer.getAttribute("aria-live"), "polite");
    await messagesWithText(bob.page, "old news").waitFor();
    assert.equal((await announcer.textContent())?.trim(), "", "history is not read out");
    await sendThroughComposer(bob.page, "my own");
    assert.equal((await announcer.textContent())?.trim(), "", "own messages are not read out");
    await sendThroughComposer(alice.page, "fresh");
    await announcer.getByText(/alice: fresh/).waitFor();
  }));

Deno.test("the theme follows the system, and a chosen theme applies at once and on the next load", () =>
  withBrowserChat(async (chat) => {
    const { page } = await chat.open({ colorScheme: "dark", locale: "zh-CN" });
    await registerThroughForm(page, chat.url, "night");
    const background = () =>
      page.locator(".room-pane").evaluate((element) => getComputedStyle(element).backgroundColor);
    const dark = await background();
    await page.getByTestId("theme-picker").selectOption("light");
    assert.equal(await page.locator("html").getAttribute("data-theme"), "light");
    const light = await background();
    assert.notEqual(light, dark, "the light theme overrides the dark system setting");
    assert.equal(light, "rgb(255, 255, 255)");
    await page.reload();
    assert.equal(await page.locator("html").getAttribute("data-theme"), "light");
    assert.equal(await background(), light, "the server renders the remembered theme");
    assert.equal(await page.getByTestId("theme-picker").inputValue(), "light");
    assert.equal(
      zhCN["theme.light"],
      await page.getByTestId("theme-picker").locator("option:checked").textContent(),
    );
    await page.getByTestId("theme-picker").selectOption("system");
    assert.equal(await page.locator("html").getAttribute("data-theme"), null);
    assert.equal(await background(), dark);
  }));
