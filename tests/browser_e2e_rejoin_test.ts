/**
 * Browser test of a device that could not apply a commit of its secret chat's group (the
 * commit reached its page damaged): it finds out at the next message, of an epoch it cannot
 * reach, shows "waiting for keys", asks the members to add it again, and reads new messages
 * once a member's page has re-added it. Also: a new device of a member is added as soon as it
 * asks, without waiting for the members' periodic check; and a new device that could not join
 * from the Welcome that added it (the group holds its leaf, it does not) asks again naming the
 * epoch it read up to, and is added again (issue 15: "waiting for keys" for good).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { keysReady, NEW_DEVICE_WAIT_MS, openSecretChat } from "./helpers/secret_chat.ts";
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

/**
 * Routes the WebSocket of `context`'s pages through the test: the first live commit that comes
 * while `armed()` says so reaches the page with `part` (the commit itself, or its Welcome)
 * damaged, one base64 character changed. Returns a function telling the damaged entry's seq
 * (0 before it came).
 */
async function damageNextCommit(
  context: BrowserContext,
  part: "data" | "welcome",
  armed: () => boolean,
): Promise<() => number> {
  let damaged = 0;
  await context.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (damaged === 0 && armed() && typeof message === "string") {
        const frame = JSON.parse(message);
        const payload = frame.type === "message" && frame.e2e?.kind === "commit" && frame.e2e;
        if (payload && typeof payload[part] === "string") {
          damaged = frame.seq;
          const text: string = payload[part];
          const middle = Math.floor(text.length / 2);
          payload[part] = text.slice(0, middle) + (text[middle] === "A" ? "B" : "A") +
            text.slice(middle + 1);
          return ws.send(JSON.stringify(frame));
        }
      }
      ws.send(message);
    });
  });
  return () => damaged;
}

Deno.test("secret chat: a device that could not apply a commit waits for keys, is added again and reads new messages", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    // Bob's page gets its frames through here: once armed, the next commit reaches it damaged.
    let armed = false;
    const damaged = await damageNextCommit(bob.context, "data", () => armed);
    await openSecretChat(url, alice, bob);
    await sendThroughComposer(alice.page, "before");
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), ["before"]));
    await recordStatuses(bob.page);

    // Alice signs in on a second device and opens the chat: her first page adds it (a commit),
    // which Bob's page receives damaged and cannot apply.
    armed = true;
    const aliceTablet = await open();
    await logInThroughForm(aliceTablet.page, url, "alice");
    await aliceTablet.page.getByTestId("dm-item").filter({
      has: aliceTablet.page.getByTestId("e2e-lock"),
    }).click();
    await keysReady(aliceTablet.page);
    assert.ok(damaged() > 0, "the commit adding Alice's tablet reached Bob's page damaged");

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

Deno.test("secret chat: a new device that cannot read the Welcome that added it asks again and is added again", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    await openSecretChat(url, alice, bob);
    await sendThroughComposer(alice.page, "before the tablet");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), ["before the tablet"])
    );

    // Alice's tablet gets its frames through here: the first Welcome that reaches it live (the
    // one of the commit adding it) arrives damaged, so the tablet cannot join from it, while
    // every other device applies that commit and counts the tablet in the group.
    const aliceTablet = await open();
    const damaged = await damageNextCommit(aliceTablet.context, "welcome", () => true);
    await logInThroughForm(aliceTablet.page, url, "alice");
    await aliceTablet.page.getByTestId("dm-item").filter({
      has: aliceTablet.page.getByTestId("e2e-lock"),
    }).click();
    await keysReady(aliceTablet.page, NEW_DEVICE_WAIT_MS);
    assert.ok(damaged() > 0, "the Welcome adding Alice's tablet reached it damaged");

    await sendThroughComposer(bob.page, "hello, Alice's tablet");
    // The tablet says what happened to the damaged Welcome (and reports it), then reads on.
    await eventually(async () => {
      const texts = await messageTexts(aliceTablet.page);
      assert.deepEqual(
        [texts[0], texts.at(-1)],
        ["Messages from before this device joined cannot be read", "hello, Alice's tablet"],
      );
      assert.ok(texts.some((text) => text.includes("could not be read (reported)")));
    });
    await sendThroughComposer(aliceTablet.page, "from the tablet");
    for (const page of [alice.page, bob.page]) {
      await eventually(async () =>
        assert.deepEqual((await messageTexts(page)).at(-1), "from the tablet")
      );
    }
  }));
