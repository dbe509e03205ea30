/**
 * Browser test of a malformed MLS handshake in a secret chat: Bob's scripted socket (a real
 * WebSocket with his session, as a buggy or hostile client of his would) sends two commits that
 * cannot be applied, one that is not an MLS message at all and one whose bytes were altered so
 * that it fails to verify. Alice's page rejects both: each shows as a notice under Bob's name,
 * her device stays in the group (Bob's next message still reads, and hers reach him), and her
 * device reports each to the server, where the administrator's reports list shows them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openSocket } from "./helpers/chat_client.ts";
import {
  eventually,
  messageTexts,
  screenshot,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";
import { openSecretChat } from "./helpers/secret_chat.ts";

const REJECTED =
  "A key update in this conversation was malformed and was rejected (it was reported). Messages still read.";

Deno.test("malformed handshake: a member's commit that does not parse or verify is rejected, shown, reported, and later messages still read", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    const { aliceUser, bobUser, bobItem } = await openSecretChat(url, alice, bob);
    await sendThroughComposer(bob.page, "before the bad commits");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(alice.page), ["before the bad commits"])
    );

    const roomId = await bobItem.getAttribute("data-room-id");
    assert.ok(roomId);
    const socket = await openSocket(url, bobUser);
    try {
      await socket.subscribe(roomId, 0);
      await eventually(() =>
        assert.ok(socket.messages(roomId).some((m) => m.e2e?.kind === "message"))
      );
      // Not an MLS message: valid base64 the server relays, which no MLS decoder reads.
      const garbage = btoa("this is not an MLS commit at all, just bytes");
      // A real ciphertext of the current epoch with one byte altered: it parses, but fails
      // to verify (its authentication tag no longer matches).
      const real = socket.messages(roomId).findLast((m) => m.e2e?.kind === "message")!.e2e!;
      const bytes = atob(real.data).split("");
      const at = bytes.length - 3;
      bytes[at] = String.fromCharCode(bytes[at]!.charCodeAt(0) ^ 4);
      for (const [clientId, data] of [["garbage", garbage], ["tampered", btoa(bytes.join(""))]]) {
        socket.send({
          type: "send",
          room: roomId,
          clientId: `bad-commit-${clientId}`,
          text: "",
          e2e: { kind: "commit", data: data! },
        });
        await socket.next("ack", (frame) => frame.clientId === `bad-commit-${clientId}`);
      }
    } finally {
      await socket.close();
    }

    await eventually(async () =>
      assert.deepEqual(await messageTexts(alice.page), [
        "before the bad commits",
        REJECTED,
        REJECTED,
      ])
    );
    await screenshot(alice.page, "e2e_bad_handshake");
    // Alice's device is still in the group, at the same epoch: both ways still read.
    await sendThroughComposer(bob.page, "after the bad commits");
    await eventually(async () =>
      assert.equal((await messageTexts(alice.page)).at(-1), "after the bad commits")
    );
    await sendThroughComposer(alice.page, "and back");
    await eventually(async () => assert.equal((await messageTexts(bob.page)).at(-1), "and back"));

    // Alice's device reported both (Bob's own device, which sent nothing, reports nothing). Alice
    // registered first, so she is the administrator and sees the reports.
    await eventually(async () => {
      const response = await fetch(`${url}/admin?tab=reports`, {
        headers: { cookie: aliceUser.cookie },
      });
      const page = await response.text();
      assert.equal(page.match(/data-testid="admin-report"/g)?.length, 2, "two reports");
      assert.equal(page.match(/could not parse or verify/g)?.length, 2);
    });
  }));
