/**
 * Browser test of secret chats (end-to-end encrypted, MLS): two users in two Chromium profiles
 * start one from the friend list, read each other both ways, reload and read on, and a
 * tampered ciphertext shows "could not decrypt" without blocking the next message. Every key
 * is made in the pages (IndexedDB); the server only relays ciphertext.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openSocket } from "./helpers/chat_client.ts";
import {
  eventually,
  menuAction,
  messagesWithText,
  messageTexts,
  pasteFile,
  screenshot,
  sendThroughComposer,
  type UserPage,
  withBrowserChat,
} from "./helpers/browser.ts";
import { encodePng } from "./helpers/png.ts";
import { E2E_UPLOAD_NAME } from "../lib/common/e2e/e2e_file.ts";
import { keysReady, openSecretChat } from "./helpers/secret_chat.ts";

/** Alice and Bob, registered and friends, on two pages of `chat`, in their secret chat. */
async function secretChatPair({ url, open }: { url: string; open: () => Promise<UserPage> }) {
  const alice = await open();
  const bob = await open();
  return { alice, bob, ...await openSecretChat(url, alice, bob) };
}

Deno.test("secret chat: two users read each other both ways, after a reload too, and a tampered ciphertext is 'could not decrypt'", () =>
  withBrowserChat(async (chat) => {
    const { url } = chat;
    const { alice, bob, aliceUser, bobItem } = await secretChatPair(chat);

    await sendThroughComposer(alice.page, "你好 Bob，只有你能读到");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), ["你好 Bob，只有你能读到"])
    );
    await sendThroughComposer(bob.page, "Hi Alice, secret reply");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(alice.page), [
        "你好 Bob，只有你能读到",
        "Hi Alice, secret reply",
      ])
    );
    await eventually(async () =>
      assert.match(
        await bob.page.getByTestId("conversation-preview").first().textContent() ?? "",
        /Encrypted message/,
      )
    );

    // A reload keeps the device, the group and what was read (MLS keys serve once).
    await bob.page.reload();
    await keysReady(bob.page);
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), [
        "你好 Bob，只有你能读到",
        "Hi Alice, secret reply",
      ])
    );
    await sendThroughComposer(bob.page, "after my reload");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(alice.page)).at(-1), "after my reload")
    );
    await sendThroughComposer(alice.page, "and back to you");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(bob.page)).at(-1), "and back to you")
    );

    // A ciphertext altered on its way (here: sent so by a scripted socket of Alice's).
    const roomId = await bobItem.getAttribute("data-room-id");
    assert.ok(roomId);
    const socket = await openSocket(url, aliceUser);
    try {
      await socket.subscribe(roomId, 0);
      await socket.waitForMessages(roomId, 5);
      const real = socket.messages(roomId).findLast((m) => m.e2e?.kind === "message")!.e2e!;
      const bytes = atob(real.data).split("");
      const at = bytes.length - 3;
      bytes[at] = String.fromCharCode(bytes[at]!.charCodeAt(0) ^ 4);
      socket.send({
        type: "send",
        room: roomId,
        clientId: "tampered-ciphertext",
        text: "",
        e2e: { kind: "message", data: btoa(bytes.join("")) },
      });
      await socket.next("ack", (frame) => frame.clientId === "tampered-ciphertext");
    } finally {
      await socket.close();
    }
    await sendThroughComposer(alice.page, "still readable");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(bob.page)).slice(-2), [
        "Could not decrypt this message",
        "still readable",
      ])
    );
    await screenshot(bob.page, "e2e_secret_chat");

    // Alice's page reloads too: her own texts (which MLS does not let her decrypt) and the
    // notice come back from this device's store, in order.
    await alice.page.reload();
    await keysReady(alice.page);
    await eventually(async () =>
      assert.deepEqual(await messageTexts(alice.page), [
        "你好 Bob，只有你能读到",
        "Hi Alice, secret reply",
        "after my reload",
        "and back to you",
        "Could not decrypt this message",
        "still readable",
      ])
    );
  }));

Deno.test("secret chat: an edit, a reaction, a reply and an image all travel encrypted, and the other side sees each", () =>
  withBrowserChat(async (chat) => {
    const { alice, bob, bobItem, aliceUser } = await secretChatPair(chat);
    await sendThroughComposer(alice.page, "lunch at noon?");
    await messagesWithText(bob.page, "lunch at noon?").waitFor();

    await menuAction(alice.page, "lunch at noon?", "menu-edit");
    const editor = alice.page.getByTestId("message-editor");
    await editor.fill("lunch at one?");
    await editor.press("Enter");
    const edited = messagesWithText(bob.page, "lunch at one?");
    await edited.getByTestId("edited").waitFor();

    await menuAction(bob.page, "lunch at one?", "quick-react");
    const chip = messagesWithText(alice.page, "lunch at one?").getByTestId("reaction");
    await eventually(async () => {
      assert.equal(await chip.getByTestId("reaction-count").textContent(), "1");
    });
    assert.equal(await chip.getAttribute("data-emoji"), "👍");
    assert.match((await chip.getAttribute("title")) ?? "", /bob/);

    await menuAction(bob.page, "lunch at one?", "menu-reply");
    await bob.page.getByTestId("reply-banner").waitFor();
    await sendThroughComposer(bob.page, "one works for me");
    const quote = messagesWithText(alice.page, "one works for me").getByTestId("reply-quote");
    await quote.waitFor();
    assert.match(await quote.textContent() ?? "", /lunch at one\?/);

    const photo = encodePng(90, 60, (x, y) => [x * 2, y * 3, 200]);
    await pasteFile(alice.page, photo, "秘密照片.png", "image/png");
    await alice.page.getByTestId("draft").locator("[data-state=done]").waitFor();
    await alice.page.getByTestId("composer").press("Enter");
    const image = bob.page.getByTestId("attachment-thumb");
    await image.waitFor();
    await eventually(async () => {
      assert.equal(await image.evaluate((img: HTMLImageElement) => img.naturalWidth), 90);
    });
    assert.match(await image.getAttribute("src") ?? "", /^blob:/, "decrypted in the page");
    assert.equal(await image.getAttribute("alt"), "秘密照片.png");
    await screenshot(bob.page, "e2e_content");

    // What the server holds: the entries, with neither text, emoji, quote nor the file's name.
    const roomId = await bobItem.getAttribute("data-room-id");
    assert.ok(roomId);
    const socket = await openSocket(chat.url, aliceUser);
    try {
      await socket.subscribe(roomId, 0);
      await eventually(() => {
        assert.ok(socket.messages(roomId).some((m) => m.attachments?.length));
        return Promise.resolve();
      });
      const stored = JSON.stringify(socket.messages(roomId));
      for (const secret of ["lunch", "👍", "one works", "秘密照片"]) {
        assert.ok(!stored.includes(secret), `the server relayed "${secret}" in clear`);
      }
      const file = socket.messages(roomId).find((m) => m.attachments?.length)!.attachments![0]!;
      assert.deepEqual([file.name, file.type, file.thumb], [
        E2E_UPLOAD_NAME,
        "application/octet-stream",
        undefined,
      ]);
      assert.ok(socket.messages(roomId).some((m) => m.kind === "edit" && m.e2e));
      assert.ok(socket.messages(roomId).some((m) => m.kind === "reaction" && m.e2e));
    } finally {
      await socket.close();
    }
  }));
