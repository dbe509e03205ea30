/**
 * Browser test of a secret chat whose other user deletes their account: the server drops their
 * devices from the key directory, and the remaining user's page, told by the "deleted user"
 * notice, commits their devices' removal from the chat's MLS group at once (its periodic checks
 * are held, so nothing else could prompt it).
 *
 * @module
 */
import assert from "node:assert/strict";
import { openSecretChat } from "./helpers/secret_chat.ts";
import { api } from "./helpers/chat_client.ts";
import { allowHoldingLongTimers, holdLongTimers } from "./helpers/held_timers.ts";
import {
  eventually,
  sendThroughComposer,
  TEST_PASSWORD,
  withBrowserChat,
} from "./helpers/browser.ts";
import { keys } from "../lib/kv/kv_keys.ts";

Deno.test("secret chat: when the other user deletes their account, the remaining page commits their devices' removal at once", () =>
  withBrowserChat(async ({ url, open, server }) => {
    const [alice, bob] = [await open(), await open()];
    await allowHoldingLongTimers(alice.context);
    // How many commits Alice's page has sent.
    let commitsSent = 0;
    await alice.context.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === "string" && JSON.parse(message).e2e?.kind === "commit") {
          commitsSent++;
        }
        server.send(message);
      });
      server.onMessage((message) => ws.send(message));
    });
    const { bobUser } = await openSecretChat(url, alice, bob);
    await sendThroughComposer(alice.page, "before Bob leaves");
    await bob.page.close();
    await holdLongTimers(alice);
    const before = commitsSent;

    const deleted = await api(url, bobUser, "POST", "/api/me/account/delete", {
      password: TEST_PASSWORD,
    });
    assert.equal(deleted.status, 204);
    await server.chat.accountDeletion.settled();
    const left = await Array.fromAsync(
      server.kv.list({ prefix: keys.e2eDevices(bobUser.id) }),
    );
    assert.deepEqual(left, [], "Bob's devices left the directory");
    // Generous for a loaded machine: with the periodic checks held, only the notice can prompt it.
    await eventually(
      () => assert.equal(commitsSent, before + 1, "a removal commit"),
      60_000,
    );
  }));
