/**
 * Browser test of encrypted groups (end-to-end, MLS): three users in three Chromium profiles,
 * one creates the group with the New room dialog's "Encrypted" box, invites the other two, and
 * all read each other; then a third device of one of them (a new profile, same account) waits
 * for keys, is added by the group's devices and reads what is sent after, while what came
 * before says it is from before this device joined. A kick is followed by a commit (the
 * removal) from one of the pages, and the others read on.
 *
 * @module
 */
import assert from "node:assert/strict";
import { keysReady, NEW_DEVICE_WAIT_MS, openEncryptedGroup } from "./helpers/secret_chat.ts";
import { api, openSocket, type TestUser } from "./helpers/chat_client.ts";
import {
  eventually,
  messagesWithText,
  messageTexts,
  screenshot,
  selectRoom,
  sendThroughComposer,
  TEST_PASSWORD,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

Deno.test("encrypted group: three users create one from the New room dialog and read each other; a new device of one reads from its join on", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob, carol] = [await open(), await open(), await open()];
    const { room, ownerUser: aliceUser, memberUsers: others } = await openEncryptedGroup(
      url,
      "plans",
      [alice, bob, carol],
      ["alice", "bob", "carol"],
    );

    const said = ["周五的计划：只有我们能读", "bob read it", "carol too"];
    // Three senders: each waits until the one before is stored (it has a seq on its own page),
    // or the room's order of two nearly simultaneous sends is the server's to choose.
    for (const [i, member] of [alice, bob, carol].entries()) {
      await sendThroughComposer(member.page, said[i]!);
      await messagesWithText(member.page, said[i]!).and(member.page.locator("[data-seq]"))
        .waitFor();
    }
    for (const member of [alice, bob, carol]) {
      await eventually(async () => assert.deepEqual(await messageTexts(member.page), said));
    }
    await screenshot(carol.page, "e2e_group");

    // Bob signs in on a new device: it waits for keys until one of the group's devices adds it.
    const bobTablet = await open();
    await bobTablet.page.goto(`${url}/login`);
    await bobTablet.page.locator("input[name=username]").fill("bob");
    await bobTablet.page.locator("input[name=password]").fill(TEST_PASSWORD);
    await bobTablet.page.locator("form[action='/login'] button[type=submit]").click();
    await waitForConnection(bobTablet.page, "online");
    await selectRoom(bobTablet.page, "plans");
    await keysReady(bobTablet.page, NEW_DEVICE_WAIT_MS);
    await sendThroughComposer(alice.page, "hello, Bob's tablet");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bobTablet.page), [
        ...said.map(() => "Messages from before this device joined cannot be read"),
        "hello, Bob's tablet",
      ])
    );
    await sendThroughComposer(bobTablet.page, "from the tablet");
    for (const member of [alice, bob, carol]) {
      await eventually(async () =>
        assert.deepEqual((await messageTexts(member.page)).at(-1), "from the tablet")
      );
    }

    // Alice kicks Carol: one of the pages commits the removal of Carol's device after the kick.
    const [bobUser, carolUser] = others as [TestUser, TestUser];
    const kicked = await api(
      url,
      aliceUser,
      "POST",
      `/api/rooms/${room}/members/${carolUser.id}/kick`,
    );
    assert.ok(kicked.status < 300, `kick: ${kicked.status}`);
    const socket = await openSocket(url, bobUser);
    try {
      await socket.subscribe(room, 0);
      await eventually(() => {
        const log = socket.messages(room);
        const kick = log.find((m) => m.event?.type === "kicked");
        assert.ok(kick, "the kick is in the log");
        assert.ok(
          log.some((m) => m.seq > kick.seq && m.e2e?.kind === "commit"),
          "a commit follows the kick",
        );
      }, NEW_DEVICE_WAIT_MS);
    } finally {
      await socket.close();
    }
    await sendThroughComposer(alice.page, "carol is gone");
    for (const member of [bob, bobTablet]) {
      await eventually(async () =>
        assert.deepEqual((await messageTexts(member.page)).at(-1), "carol is gone")
      );
    }
  }));
