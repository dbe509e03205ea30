/**
 * Browser test of avatars: a user picks an image, crops it in the browser and saves it; a user
 * sharing a room sees the picture next to their messages, and a new one replaces it live. The
 * room's owner sets the room's picture through the same picker.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Locator, Page } from "playwright-core";
import {
  createRoomThroughForm,
  eventually,
  joinFromDiscover,
  markPage,
  pageMark,
  registerThroughForm,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";
import { encodePng } from "./helpers/png.ts";

const SHOTS = "/tmp";

/** Picks a generated PNG in the avatar picker inside `scope`, zooms, drags and saves. */
async function pickAndSave(
  page: Page,
  scope: string,
  png: Uint8Array,
  shot?: string,
): Promise<void> {
  await page.getByTestId(scope).getByTestId("avatar-file").setInputFiles({
    name: "picture.png",
    mimeType: "image/png",
    buffer: Buffer.from(png),
  });
  const crop = page.getByTestId("avatar-crop");
  await crop.waitFor();
  await page.getByTestId("avatar-zoom").fill("1.5");
  const box = (await crop.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 10, { steps: 3 });
  await page.mouse.up();
  if (shot) await page.screenshot({ path: `${SHOTS}/${shot}` });
  await page.getByTestId("avatar-save").click();
  await crop.waitFor({ state: "detached" });
}

/** The URL and decoded size of a shown avatar image (0 until it has loaded). */
function imageState(image: Locator) {
  return image.evaluate((element: HTMLImageElement) => ({
    src: new URL(element.src).pathname,
    width: element.complete ? element.naturalWidth : 0,
  }));
}

async function avatarUrlOf(page: Page): Promise<string> {
  return await page.evaluate(async () =>
    (await (await fetch("/api/me")).json()).profile.avatarUrl as string
  );
}

Deno.test("an avatar cropped and uploaded in the browser shows next to the author's messages for a roommate, and changes live", () =>
  withBrowserChat(async ({ server, open }) => {
    const alice = await open();
    const bob = await open();
    await registerThroughForm(alice.page, server.url, "alice");
    await createRoomThroughForm(alice.page, "faces");
    await registerThroughForm(bob.page, server.url, "bob");
    await joinFromDiscover(bob.page, "faces");
    await sendThroughComposer(alice.page, "hello with a face");
    const marks = [await markPage(alice.page), await markPage(bob.page)];
    const aliceGroup = bob.page.locator(".message-group", {
      has: bob.page.getByText("hello with a face", { exact: true }),
    });
    await aliceGroup.waitFor();
    assert.equal(await aliceGroup.getByTestId("avatar-image").count(), 0, "initials at first");

    await alice.page.getByTestId("edit-profile").click();
    const stripes = encodePng(96, 64, (x, y) => [x * 2, 40 + y * 3, (x + y) % 2 ? 220 : 60]);
    await pickAndSave(alice.page, "profile-editor", stripes, "avatar-crop.png");
    const first = await avatarUrlOf(alice.page);
    const image = aliceGroup.getByTestId("avatar-image");
    await eventually(async () =>
      assert.deepEqual(await imageState(image), { src: first, width: 256 })
    );
    await bob.page.screenshot({ path: `${SHOTS}/avatar-messages.png` });

    await pickAndSave(alice.page, "profile-editor", encodePng(40, 40, () => [230, 90, 20]));
    const second = await avatarUrlOf(alice.page);
    assert.notEqual(second, first);
    await eventually(async () =>
      assert.deepEqual(await imageState(image), { src: second, width: 256 })
    );

    await alice.page.keyboard.press("Escape"); // the profile dialog is modal: close it first
    await alice.page.getByTestId("profile-dialog").waitFor({ state: "detached" });
    await alice.page.getByTestId("room-settings-toggle").click();
    await pickAndSave(alice.page, "room-settings", encodePng(32, 32, () => [30, 160, 90]));
    const header = bob.page.locator(".room-header").getByTestId("avatar-image");
    await eventually(async () => assert.equal((await imageState(header)).width, 256));
    await bob.page.getByTestId("system-message")
      .getByText("alice changed the room picture", { exact: true }).waitFor();
    await bob.page.screenshot({ path: `${SHOTS}/avatar-room.png` });

    assert.deepEqual([await pageMark(alice.page), await pageMark(bob.page)], marks, "no reload");
  }));
