/**
 * Message search in Chromium: a new user opens search with Ctrl+K and with `/`, searches in
 * Chinese and in English as they type, sees the matched words marked, and a click lands on
 * the message (loaded with what surrounds it, focused and flashed) even when it was far back
 * in the history. Also on a phone. Set `SCREENSHOT_DIR` to save screenshots.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { readConfig } from "../lib/server/config.ts";
import {
  createRoomThroughForm,
  eventually,
  messagesWithText,
  pageUser,
  registerThroughForm,
  screenshot,
  sessionOf,
  withBrowserChat,
} from "./helpers/browser.ts";
import { openSocket } from "./helpers/chat_client.ts";

const BEIJING = "我们明天在北京开会议，讨论即时通讯系统的设计";

/** Fillers are posted fast, over the default send rate. */
const FAST_SENDS = {
  config: { limits: { ...readConfig({}).limits, sendRatePerSecond: 1000, sendBurst: 1000 } },
};

/** Types `query` into the open search and returns the marked words of the first result. */
async function searchFor(page: Page, query: string, expected: string): Promise<string[]> {
  const dialog = page.getByTestId("search-dialog");
  await dialog.getByTestId("search-input").fill(query);
  const hit = dialog.getByTestId("search-hit").filter({ hasText: expected });
  await hit.waitFor();
  return await hit.first().locator("mark").allTextContents();
}

/** Clicks the result with `text` (the whole message) and waits until its message is shown, focused and flashed. */
async function openResult(page: Page, text: string): Promise<void> {
  // The flash lasts 2 s: record it when it happens rather than hope to look in time.
  await page.evaluate(() => {
    const flashed: string[] = [];
    Object.assign(globalThis, { flashed });
    const note = (node: Node) => {
      if (node instanceof HTMLElement && node.classList.contains("highlighted")) {
        flashed.push(node.querySelector("[data-testid=message-text]")?.textContent ?? "");
      }
    };
    new MutationObserver((records) => {
      for (const record of records) {
        note(record.target);
        record.addedNodes.forEach(note);
      }
    }).observe(document.body, { subtree: true, childList: true, attributeFilter: ["class"] });
  });
  await page.getByTestId("search-hit").filter({ hasText: text }).first().click();
  await page.getByTestId("search-dialog").waitFor({ state: "detached" });
  const message = messagesWithText(page, text);
  await message.waitFor();
  await eventually(async () => {
    assert.equal(await message.evaluate((element) => element === document.activeElement), true);
    assert.ok(await message.isVisible());
  });
  await eventually(async () => {
    const flashed = await page.evaluate(() => (globalThis as { flashed?: string[] }).flashed);
    assert.ok(flashed?.includes(text), `flashed: ${flashed}`);
  });
}

Deno.test("a new user finds messages in Chinese and English and lands on them", async () => {
  await withBrowserChat(async (chat) => {
    const alice = await chat.open({ viewport: { width: 1280, height: 860 } });
    await registerThroughForm(alice.page, chat.url, "alice");
    const room = await createRoomThroughForm(alice.page, "北京项目");
    const socket = await openSocket(
      chat.url,
      await sessionOf(alice.context, await pageUser(alice.page)),
    );
    try {
      const texts = [
        BEIJING,
        "The quarterly report is ready for review",
        ...Array.from({ length: 120 }, (_, i) => `filler ${i}`),
        "Lunch at the Café? 中午一起吃饭",
      ];
      texts.forEach((text, i) =>
        socket.send({ type: "send", room, clientId: `search-${i}-0000`, text })
      );
      await socket.next("ack", (frame) => frame.clientId === `search-${texts.length - 1}-0000`);
    } finally {
      await socket.close();
    }
    await alice.page.reload();
    await messagesWithText(alice.page, "Lunch at the Café? 中午一起吃饭").waitFor();
    assert.equal(await messagesWithText(alice.page, BEIJING).count(), 0, "not loaded yet");

    await alice.page.keyboard.press("Control+k");
    assert.deepEqual(await searchFor(alice.page, "北京 会议", "北京开会议"), ["北京", "会议"]);
    await screenshot(alice.page, "search-chinese");
    await openResult(alice.page, BEIJING);
    await screenshot(alice.page, "search-landed");

    await alice.page.keyboard.press("/");
    assert.deepEqual(await searchFor(alice.page, "QUARTERLY rep", "quarterly report"), [
      "quarterly",
      "report",
    ]);
    assert.deepEqual(await searchFor(alice.page, "cafe 吃饭", "Lunch"), ["Café", "吃饭"]);
    await searchFor(alice.page, "quarterly", "quarterly report");
    await openResult(alice.page, "The quarterly report is ready for review");

    const phone = await chat.open({ viewport: { width: 375, height: 812 } });
    await phone.context.addCookies(await alice.context.cookies());
    await phone.page.goto(chat.url);
    await phone.page.getByTestId("room-title").getByText("# 北京项目").waitFor();
    await screenshot(phone.page, "search-phone-header");
    await phone.page.getByTestId("room-search").click();
    await searchFor(phone.page, "北京", "北京开会议");
    await screenshot(phone.page, "search-phone");
    await openResult(phone.page, BEIJING);
  }, FAST_SENDS);
});
