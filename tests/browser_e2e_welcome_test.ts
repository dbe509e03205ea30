/**
 * Browser tests of how a user's new device gets into their secret chat's MLS group: it asks the
 * members to add it (`add_request`) and is added at once because of that request, not by the
 * members' periodic check; and a Welcome it cannot process (damaged on the way, or cut so that it
 * does not decode) is shown, reported, and followed by a request to be added again (at once, even
 * when the Welcome named none of its KeyPackages), after which it reads.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Request } from "playwright-core";
import { allowHoldingLongTimers, holdLongTimers } from "./helpers/held_timers.ts";
import { keysReady, NEW_DEVICE_WAIT_MS, openSecretChat } from "./helpers/secret_chat.ts";
import {
  eventually,
  logInThroughForm,
  messageTexts,
  sendThroughComposer,
  type UserPage,
  withBrowserChat,
} from "./helpers/browser.ts";

/** The JSON bodies of the page's POSTs whose path ends with `suffix`, from now on. */
function postsTo(user: UserPage, suffix: string): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  user.page.on("request", (request: Request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname.endsWith(suffix)) {
      bodies.push(request.postDataJSON());
    }
  });
  return bodies;
}

/**
 * Routes the WebSocket of `user`'s pages through the test: the first live entry with a Welcome
 * reaches the page with its Welcome changed by `damage`. Returns a function telling that entry's
 * seq (0 before it came).
 */
async function damageFirstWelcome(
  user: UserPage,
  damage: (welcome: string) => string,
): Promise<() => number> {
  let damaged = 0;
  await user.context.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (damaged === 0 && typeof message === "string") {
        const frame = JSON.parse(message);
        if (frame.type === "message" && frame.e2e?.welcome) {
          damaged = frame.seq;
          frame.e2e.welcome = damage(frame.e2e.welcome);
          return ws.send(JSON.stringify(frame));
        }
      }
      ws.send(message);
    });
  });
  return () => damaged;
}

/** Alice's second device signs in and opens the secret chat, which it has no keys for yet. */
async function openOnTablet(url: string, tablet: UserPage): Promise<void> {
  await logInThroughForm(tablet.page, url, "alice");
  await tablet.page.getByTestId("dm-item").filter({
    has: tablet.page.getByTestId("e2e-lock"),
  }).click();
}

Deno.test("secret chat: a user's new device is added because it asks, with the members' periodic checks held", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    for (const user of [alice, bob]) await allowHoldingLongTimers(user.context);
    await openSecretChat(url, alice, bob);
    await sendThroughComposer(alice.page, "before the tablet");
    await eventually(async () =>
      assert.deepEqual(await messageTexts(bob.page), ["before the tablet"])
    );
    // From now on neither member's page checks the group on its own: only a request moves it.
    await holdLongTimers(alice);
    await holdLongTimers(bob);

    const tablet = await open();
    const asked = postsTo(tablet, "/add_request");
    await openOnTablet(url, tablet);
    await keysReady(tablet.page, NEW_DEVICE_WAIT_MS);
    assert.ok(asked.length > 0, "the tablet asked to be added");
    await sendThroughComposer(bob.page, "hello, Alice's tablet");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(tablet.page)).at(-1), "hello, Alice's tablet")
    );
  }));

Deno.test("secret chat: a new device that gets a damaged Welcome says so, reports it, asks again and reads once added again", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    await openSecretChat(url, alice, bob);
    const tablet = await open();
    // The first Welcome reaching the tablet's page arrives damaged (its encrypted group info).
    const damagedAt = await damageFirstWelcome(tablet, (welcome) => {
      const at = welcome.length - 12;
      return welcome.slice(0, at) + (welcome[at] === "A" ? "B" : "A") + welcome.slice(at + 1);
    });
    const reports = postsTo(tablet, "/handshake_reports");
    const asked = postsTo(tablet, "/add_request");
    await openOnTablet(url, tablet);

    // It cannot read that Welcome: the commit shows as a notice, the tablet reports it and asks
    // to be added again, naming the leaf the spent KeyPackage made; Alice's laptop re-adds it.
    await keysReady(tablet.page, NEW_DEVICE_WAIT_MS);
    const damaged = damagedAt();
    assert.ok(damaged > 0, "a Welcome reached the tablet damaged");
    assert.equal(reports.length, 1, JSON.stringify(reports));
    assert.equal(reports[0]!.seq, damaged);
    assert.match(String(reports[0]!.reason), /^Welcome: /);
    assert.ok(asked.some((body) => typeof body.leaf === "string"), JSON.stringify(asked));
    assert.ok(
      (await messageTexts(tablet.page)).some((text) => text.includes("could not be read")),
      "the failed Welcome is shown",
    );
    await sendThroughComposer(bob.page, "hello again, tablet");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(tablet.page)).at(-1), "hello again, tablet")
    );
    await sendThroughComposer(tablet.page, "reading now");
    for (const page of [alice.page, bob.page]) {
      await eventually(async () =>
        assert.deepEqual((await messageTexts(page)).at(-1), "reading now")
      );
    }
  }));

Deno.test("secret chat: a new device whose Welcome does not even decode asks again at once, naming the epoch, and is added again", () =>
  withBrowserChat(async ({ url, open }) => {
    const [alice, bob] = [await open(), await open()];
    await openSecretChat(url, alice, bob);
    const tablet = await open();
    // The tablet's page never runs its periodic checks: only its prompt request can re-add it.
    await allowHoldingLongTimers(tablet.context);
    // The first Welcome reaching the tablet's page arrives cut in half: it names no KeyPackage.
    const cutAt = await damageFirstWelcome(
      tablet,
      (welcome) => welcome.slice(0, Math.floor(welcome.length / 8) * 4),
    );
    const reports = postsTo(tablet, "/handshake_reports");
    const asked = postsTo(tablet, "/add_request");
    await logInThroughForm(tablet.page, url, "alice");
    await holdLongTimers(tablet);
    await tablet.page.getByTestId("dm-item").filter({
      has: tablet.page.getByTestId("e2e-lock"),
    }).click();

    await keysReady(tablet.page, NEW_DEVICE_WAIT_MS);
    const cut = cutAt();
    assert.ok(cut > 0, "a Welcome reached the tablet cut");
    assert.deepEqual(reports, [{ seq: cut, reason: "Welcome: the Welcome does not decode" }]);
    assert.ok(asked.some((body) => typeof body.epoch === "number"), JSON.stringify(asked));
    await sendThroughComposer(bob.page, "hello, tablet");
    await eventually(async () =>
      assert.deepEqual((await messageTexts(tablet.page)).at(-1), "hello, tablet")
    );
  }));
