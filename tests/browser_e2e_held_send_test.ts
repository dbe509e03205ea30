/**
 * Browser test of sending in an encrypted group before this device has the group's keys: a new
 * device of a member, with no other device of the group online to add it, sends; the text is
 * kept (shown as "waiting for keys…", through a reload too) and nothing of it leaves the page;
 * once a member's device comes back and adds it, the text is encrypted and sent, and the other
 * member reads it once.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { keysReady, NEW_DEVICE_WAIT_MS, openEncryptedGroup } from "./helpers/secret_chat.ts";
import { openSocket } from "./helpers/chat_client.ts";
import {
  eventually,
  logInThroughForm,
  messagesWithText,
  messageTexts,
  selectRoom,
  sendThroughComposer,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

const HELD = "sent before this tablet had the keys";

/** Every WebSocket frame `page` sends from now on, through reloads, as raw text. */
function framesSent(page: Page): string[] {
  const sent: string[] = [];
  page.on("websocket", (socket) => {
    socket.on("framesent", ({ payload }) => sent.push(String(payload)));
  });
  return sent;
}

Deno.test("encrypted group: a text sent by a device still waiting for keys waits, survives a reload, and is sent encrypted once when the keys come", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    const { room, memberUsers: [bobUser] } = await openEncryptedGroup(
      url,
      "plans",
      [alice, bob],
      ["alice", "bob"],
    );
    // No device of the group is online to add a new one.
    for (const member of [alice, bob]) await member.page.goto("about:blank");

    const tablet = await open();
    const sent = framesSent(tablet.page);
    await logInThroughForm(tablet.page, url, "bob");
    await waitForConnection(tablet.page, "online");
    await selectRoom(tablet.page, "plans");
    await tablet.page.locator(".room-column[data-e2e-status=waiting]").waitFor();

    // Accepted and kept, shown as waiting for keys; nothing of it leaves the page.
    await sendThroughComposer(tablet.page, HELD);
    const waiting = messagesWithText(tablet.page, HELD);
    await waiting.and(tablet.page.locator("[data-status=waiting]")).waitFor();
    assert.equal(await waiting.locator(".delivery").textContent(), "waiting for keys…");
    await tablet.page.reload();
    await waitForConnection(tablet.page, "online");
    await selectRoom(tablet.page, "plans");
    await waiting.and(tablet.page.locator("[data-status=waiting]")).waitFor();
    assert.ok(!sent.some((frame) => frame.includes(HELD)), "the text never left in clear");

    // Alice's device comes back and adds the tablet: the text goes, encrypted, once.
    await alice.page.goto(url);
    await selectRoom(alice.page, "plans");
    await keysReady(tablet.page, NEW_DEVICE_WAIT_MS);
    await eventually(async () => assert.deepEqual(await messageTexts(alice.page), [HELD]));
    const stored = messagesWithText(tablet.page, HELD).and(tablet.page.locator("[data-seq]"));
    await stored.waitFor();
    assert.ok(!sent.some((frame) => frame.includes(HELD)), "the text never left in clear");

    const socket = await openSocket(url, bobUser!);
    try {
      await socket.subscribe(room, 0);
      // The log up to the tablet's message holds it once, as ciphertext alone.
      const seq = Number(await stored.getAttribute("data-seq"));
      await eventually(() => assert.ok(socket.messages(room).some((entry) => entry.seq === seq)));
      const messages = socket.messages(room).filter((entry) => entry.e2e?.kind === "message");
      assert.deepEqual(messages.map((entry) => [entry.seq, entry.text]), [[seq, ""]]);
    } finally {
      await socket.close();
    }
    assert.deepEqual(await messageTexts(alice.page), [HELD], "read once");
  }));
