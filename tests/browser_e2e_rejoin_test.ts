/**
 * Browser test of a device that could not apply a commit of its secret chat's group (the
 * commit reached its page damaged): it finds out at the next message, of an epoch it cannot
 * reach, shows "waiting for keys", asks the members to add it again, and reads new messages
 * once a member's page has re-added it. Also: a new device of a member is added as soon as it
 * asks, without waiting for the members' periodic check.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { keysReady, openSecretChat } from "./helpers/secret_chat.ts";
import {
  eventually,
  logInThroughForm,
  messageTexts,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";

/** Records every E2E status the page's room column shows from now on. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (globalThis as unknown as { e2eStatuses: string[] }).e2eStatuses = seen;
    new MutationObserver(() => {
      const status = document.querySelector(".room-column")?.getAttribute("data-e2e-status");
      if (status && seen.at(-1) !== status) seen.push(status);
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-e2e-status"],
    });
  });
}

function statuses(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { e2eStatuses: string[] }).e2eStatuses);
}

Deno.test("secret chat: a device that could not apply a commit waits for keys, is added again and reads new messages", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    // Bob's page gets its frames through here: once armed, the next commit reaches it damaged.
    let damageNextCommit = false;
    let damaged = 0;
    await bob.context.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (damageNextCommit && typeof message === "string") {
          const frame = JSON.parse(message);
          if (frame.type === "message" && frame.e2e?.kind === "commit") {
            damageNextCommit = false;
            damaged = frame.seq;
            const data: string = frame.e2e.data;
            const middle = Math.floor(data.length / 2);
            frame.e2e.data = data.slice(0, middle) +
              (data[middle] === "A" ? "B" : "A") + data.slice(middle + 1);
            return ws.send(JSON.stringify(frame));
          }
        }
        ws.send(message);
      });
    });
    await openSecretChat(url, alice, bob);
    await sendThroughComposer(alice.page, "before");
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), ["before"]));
    await recordStatuses(bob.page);

    // Alice signs in on a second device and opens the chat: her first page adds it (a commit),
    // which Bob's page receives damaged and cannot apply.
    damageNextCommit = true;
    const aliceTablet = await open();
    await logInThroughForm(aliceTablet.page, url, "alice");
    await aliceTablet.page.getByTestId("dm-item").filter({
      has: aliceTablet.page.getByTestId("e2e-lock"),
    }).click();
    await keysReady(aliceTablet.page);
    assert.ok(damaged > 0, "the commit adding Alice's tablet reached Bob's page damaged");

    // The next message is of an epoch Bob's device cannot reach: it asks to be added again.
    await sendThroughComposer(alice.page, "after the commit Bob's page could not apply");
    await eventually(async () => assert.ok((await statuses(bob.page)).includes("waiting")));
    await keysReady(bob.page);
    await sendThroughComposer(aliceTablet.page, "welcome back, Bob");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(bob.page)).at(-1), "welcome back, Bob")
    );
    await sendThroughComposer(bob.page, "reading again");
    for (const page of [alice.page, aliceTablet.page]) {
      await eventually(async () =>
        assert.deepEqual((await messageTexts(page)).at(-1), "reading again")
      );
    }
  }));
