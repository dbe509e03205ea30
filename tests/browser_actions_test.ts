/**
 * Browser tests of the message actions in Chromium with two users: edit and delete seen live
 * and after a reload, reactions, and a reply whose quote leads to the original even when the
 * original is not loaded; a long press opens the menu on a phone, and copying says "Copied". Set
 * `SCREENSHOT_DIR` to save screenshots.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readConfig } from "../lib/server/config.ts";
import {
  createRoomThroughForm,
  DESKTOP_PAIR,
  eventually,
  joinFromDiscover,
  markPage,
  menuAction,
  messagesWithText,
  pageMark,
  pageUser,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  sessionOf,
  twoUsersInRoom,
  withBrowserChat,
} from "./helpers/browser.ts";
import { openSocket } from "./helpers/chat_client.ts";
import { messageHash } from "../client/message_link.ts";
import type { Page } from "playwright-core";

/** Fillers are posted fast, over the default send rate. */
const FAST_SENDS = {
  config: { limits: { ...readConfig({}).limits, sendRatePerSecond: 1000, sendBurst: 1000 } },
};

Deno.test("edits and deletes reach the other user live and stay after a reload", async () => {
  await withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "edits", DESKTOP_PAIR);
    await sendThroughComposer(alice.page, "helo wrld");
    await sendThroughComposer(alice.page, "a regrettable message");
    await messagesWithText(bob.page, "a regrettable message").waitFor();
    const mark = await markPage(bob.page);

    await menuAction(alice.page, "helo wrld", "menu-edit");
    const editor = alice.page.getByTestId("message-editor");
    await editor.fill("hello world");
    await editor.press("Enter");
    const edited = bob.page.getByTestId("message").filter({ hasText: "hello world" });
    await edited.getByTestId("edited").waitFor();

    await menuAction(alice.page, "a regrettable message", "menu-delete");
    await alice.page.getByTestId("confirm-dialog").getByRole("button", { name: "Delete" }).click();
    await bob.page.getByTestId("message-deleted").waitFor();
    assert.equal(await pageMark(bob.page), mark, "seen live, without a reload");
    const scroller = bob.page.getByTestId("message-scroller");
    assert.equal(await scroller.getByText("a regrettable message").count(), 0);
    await eventually(async () => {
      assert.match(
        await bob.page.getByTestId("conversation-preview").textContent() ?? "",
        /Message deleted/,
      );
    });
    await screenshot(bob.page, "actions-edited-deleted");

    await bob.page.reload();
    await edited.getByTestId("edited").waitFor();
    await bob.page.getByTestId("message-deleted").waitFor();
    assert.equal(await scroller.getByText("a regrettable message").count(), 0);
    assert.match(
      await bob.page.getByTestId("conversation-preview").textContent() ?? "",
      /Message deleted/,
    );
    await edited.getByTestId("edited").click();
    const versions = bob.page.getByTestId("versions-dialog");
    await versions.getByText("helo wrld").waitFor();
    await screenshot(bob.page, "actions-versions");
    await versions.press("Escape");

    // Up-arrow in the empty composer edits one's last message.
    await alice.page.getByTestId("composer").focus();
    await alice.page.getByTestId("composer").press("ArrowUp");
    const again = alice.page.getByTestId("message-editor");
    assert.equal(await again.inputValue(), "hello world");
    await again.press("Escape");
    assert.equal(await alice.page.getByTestId("message-editor").count(), 0);
  });
});

Deno.test("a reaction is counted once per user and names who reacted", async () => {
  await withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "reactions", DESKTOP_PAIR);
    await sendThroughComposer(alice.page, "lunch at noon?");
    await messagesWithText(bob.page, "lunch at noon?").waitFor();
    await menuAction(bob.page, "lunch at noon?", "quick-react");
    const chip = alice.page.getByTestId("reaction");
    const count = (page: Page) => page.getByTestId("reaction-count").textContent();
    await eventually(async () => assert.equal(await count(alice.page), "1"));
    assert.equal(await chip.getAttribute("data-emoji"), "👍");
    assert.equal(await chip.getAttribute("aria-pressed"), "false");
    assert.match((await chip.getAttribute("title")) ?? "", /bob/);
    await chip.click();
    await eventually(async () => assert.equal(await count(alice.page), "2"));
    assert.equal(await chip.getAttribute("aria-pressed"), "true");
    await messagesWithText(alice.page, "lunch at noon?").hover();
    await screenshot(alice.page, "actions-reactions");
    // Bob takes his back by clicking his pressed chip.
    const bobChip = bob.page.getByTestId("reaction");
    await eventually(async () => assert.equal(await count(bob.page), "2"));
    await bobChip.click();
    await eventually(async () => assert.equal(await count(alice.page), "1"));
    assert.match((await chip.getAttribute("title")) ?? "", /alice/);
  });
});

Deno.test("a reply quotes its original, and clicking the quote loads and shows the original", async () => {
  await withBrowserChat(async (chat) => {
    const { alice, bob, room } = await twoUsersInRoom(chat, "replies", DESKTOP_PAIR);
    await sendThroughComposer(alice.page, "who brings the cake?");
    await messagesWithText(bob.page, "who brings the cake?").waitFor();
    await menuAction(bob.page, "who brings the cake?", "menu-reply");
    await bob.page.getByTestId("reply-banner").waitFor();
    await sendThroughComposer(bob.page, "I will");
    const quote = alice.page.getByTestId("message").filter({ hasText: "I will" })
      .getByTestId("reply-quote");
    await quote.waitFor();
    assert.match(await quote.textContent() ?? "", /who brings the cake\?/);
    await screenshot(alice.page, "actions-reply");

    // 120 later messages push the original out of the newest history page; then a reply to it.
    const target = Number(
      await messagesWithText(alice.page, "who brings the cake?").getAttribute("data-seq"),
    );
    const user = await sessionOf(bob.context, await pageUser(bob.page));
    const socket = await openSocket(chat.url, user);
    try {
      for (let i = 0; i < 120; i++) {
        socket.send({ type: "send", room, clientId: `filler-${i}-000`, text: `filler ${i}` });
      }
      socket.send({
        type: "send",
        room,
        clientId: "late-reply-0",
        text: "still me, for the cake",
        replyTo: target,
      });
      await socket.next("ack", (frame) => frame.clientId === "late-reply-0");
    } finally {
      await socket.close();
    }
    await alice.page.reload();
    const late = alice.page.getByTestId("message").filter({ hasText: "still me, for the cake" });
    await late.getByTestId("reply-quote").waitFor();
    const original = messagesWithText(alice.page, "who brings the cake?");
    assert.equal(await original.count(), 0, "the original is not loaded yet");
    // The highlight lasts a moment only: record every message that gets it, as it happens.
    await alice.page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(globalThis, { highlightedSeqs: seen });
      new MutationObserver(() => {
        for (const element of document.querySelectorAll(".message.highlighted")) {
          seen.push(element.getAttribute("data-seq") ?? "");
        }
      }).observe(document.body, { subtree: true, childList: true, attributeFilter: ["class"] });
    });
    await late.getByTestId("reply-quote").click();
    await original.waitFor();
    await eventually(async () => {
      assert.equal(
        await original.evaluate((element) => element === document.activeElement),
        true,
      );
      assert.ok(await original.isVisible());
    });
    const highlighted = await alice.page.evaluate(() =>
      (globalThis as unknown as { highlightedSeqs: string[] }).highlightedSeqs
    );
    assert.ok(highlighted.includes(String(target)), "the original was highlighted");

    // A copied link to the message opens the conversation scrolled to it, on a phone too.
    const phone = await chat.open({ viewport: { width: 375, height: 812 } });
    await phone.context.addCookies(await alice.context.cookies());
    await phone.page.goto(`${chat.url}/${messageHash(room, target)}`);
    const linked = messagesWithText(phone.page, "who brings the cake?");
    await linked.waitFor();
    await eventually(async () => {
      assert.equal(await linked.evaluate((element) => element === document.activeElement), true);
    });
    await linked.hover();
    await screenshot(phone.page, "actions-phone-linked-message");
  }, FAST_SENDS);
});

Deno.test("a long press opens a message's menu on a phone, and copying text or a link says Copied", async () => {
  await withBrowserChat(async (chat) => {
    const alice = await chat.open({ viewport: { width: 1440, height: 900 } });
    await registerThroughForm(alice.page, chat.url, "alice");
    const room = await createRoomThroughForm(alice.page, "copies");
    const bob = await chat.open({ viewport: { width: 390, height: 844 }, touch: true });
    await registerThroughForm(bob.page, chat.url, "bob");
    assert.equal(await joinFromDiscover(bob.page, "copies"), room);
    for (const { context } of [alice, bob]) {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: chat.url });
    }
    await sendThroughComposer(alice.page, "meet at 世纪公园 gate 3");
    const seq = await pageMessageSeq(alice.page, "meet at 世纪公园 gate 3");

    // Bob, on a touch screen, rests a finger on the message until its menu opens.
    const message = messagesWithText(bob.page, "meet at 世纪公园 gate 3");
    await message.waitFor();
    const menu = message.getByTestId("message-menu");
    assert.equal(await menu.isVisible(), false, "no menu before the press");
    const box = (await message.getByTestId("message-text").boundingBox())!;
    const touch = await bob.context.newCDPSession(bob.page);
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await touch.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
    await menu.waitFor({ state: "visible" });
    await touch.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    assert.equal(await menu.isVisible(), true, "the menu stays open when the finger lifts");
    await screenshot(bob.page, "long-press-menu-390");

    await menu.getByTestId("menu-copy-text").tap();
    await message.getByTestId("copy-status").getByText("Copied").waitFor({ state: "attached" });
    assert.equal(
      await menu.getByTestId("menu-copy-text").getAttribute("aria-label"),
      "Copied",
    );
    assert.equal(
      await bob.page.evaluate(() => navigator.clipboard.readText()),
      "meet at 世纪公园 gate 3",
    );

    // Alice, with a mouse, copies a link to the message.
    await menuAction(alice.page, "meet at 世纪公园 gate 3", "menu-copy-link");
    const copyLink = messagesWithText(alice.page, "meet at 世纪公园 gate 3")
      .getByTestId("menu-copy-link");
    await eventually(async () => {
      assert.equal(await copyLink.getAttribute("data-state"), "copied");
    });
    const link = await alice.page.evaluate(() => navigator.clipboard.readText());
    assert.equal(new URL(link).hash, messageHash(room, seq));
  });
});

/** The seq of the message showing `text`. */
/**
 * The seq of the message with `text` once the server has acknowledged it: a message still
 * pending has no seq of its own yet (`data-seq` 0).
 */
async function pageMessageSeq(page: Page, text: string): Promise<number> {
  const message = messagesWithText(page, text);
  await page.locator("[data-testid=message][data-status=sent]").filter({
    has: page.getByTestId("message-text").getByText(text, { exact: true }),
  }).waitFor();
  return Number(await message.getAttribute("data-seq"));
}
