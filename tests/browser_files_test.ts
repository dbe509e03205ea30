/**
 * Browser tests of files and images: two users in headless Chromium against a real server.
 * An image pasted into the composer arrives at the other side as a thumbnail of its stored
 * size and opens in a lightbox; a 5 MiB file shows its progress, waits through a network drop
 * in the middle, resumes from the parts the server has and arrives; a file whose parts stall
 * (no answer, ever) fails with a clear message after its deadlines, and its retry sends only the
 * parts the server does not hold; removing it instead deletes what the server kept.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of attachments, the upload in progress and the
 * lightbox. A photo's EXIF GPS position is gone from what the server stores.
 *
 * @module
 */
import assert from "node:assert/strict";
import { UPLOAD_PART_BYTES } from "../lib/common/attachments.ts";
import { partTimeoutMs } from "../lib/common/part_timeout.ts";
import { MAX_STALLS } from "../client/uploads/upload_file.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import {
  createRoomThroughForm,
  DESKTOP_PAIR,
  eventually,
  pasteFile,
  registerThroughForm,
  screenshot,
  twoUsersInRoom,
  withBrowserChat,
} from "./helpers/browser.ts";
import { containsBytes, GPS_LATITUDE_BYTES, withExifGps } from "./helpers/exif.ts";
import { encodePng } from "./helpers/png.ts";

Deno.test("an image pasted with a caption shows as a thumbnail at the other side and opens full size until Escape", () =>
  withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "photos", DESKTOP_PAIR);
    const photo = encodePng(600, 400, (x, y) => [x % 256, y % 256, 160]);
    await pasteFile(alice.page, photo, "screenshot.png", "image/png");
    const draft = alice.page.getByTestId("draft");
    await draft.locator("[data-state=done]").waitFor();
    await alice.page.getByTestId("composer").fill("the view from here");
    await alice.page.getByTestId("composer").press("Enter");

    const thumb = bob.page.getByTestId("attachment-thumb");
    await thumb.waitFor();
    // The box has the image's proportions before a byte of it loads: the timeline never jumps.
    assert.deepEqual(
      await thumb.evaluate((img) => [img.getAttribute("width"), img.getAttribute("height")]),
      ["320", "213"],
    );
    await eventually(async () => {
      assert.ok(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth));
    });
    assert.equal(
      await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth),
      400,
      "the browser-made thumbnail",
    );
    await bob.page.getByTestId("message-text").getByText("the view from here").waitFor();
    await screenshot(bob.page, "image-message-1440");

    await thumb.click();
    const lightbox = bob.page.getByTestId("lightbox");
    await lightbox.waitFor();
    const full = lightbox.locator("img");
    await eventually(async () => {
      assert.equal(await full.evaluate((img: HTMLImageElement) => img.naturalWidth), 600);
    });
    await screenshot(bob.page, "lightbox-1440");
    await bob.page.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached" });

    await bob.page.setViewportSize({ width: 375, height: 812 });
    await screenshot(bob.page, "image-message-375");
  }));

Deno.test("a 5 MiB upload shows its progress, waits through a network drop in the middle and completes without starting over", () =>
  withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "files", DESKTOP_PAIR);
    const bytes = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, i + 65536));
    }
    const parts = Math.ceil(bytes.length / UPLOAD_PART_BYTES);
    const puts = new Map<number, number>();
    alice.page.on("request", (request) => {
      const part = /\/parts\/(\d+)$/.exec(request.url());
      if (part && request.method() === "PUT") {
        puts.set(Number(part[1]), (puts.get(Number(part[1])) ?? 0) + 1);
      }
    });
    // Part 3 is held until the network is down, then fails as a dropped connection does.
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    let reached!: () => void;
    const heldReached = new Promise<void>((resolve) => reached = resolve);
    await alice.page.route("**/api/uploads/*/parts/3", async (route) => {
      reached();
      await held;
      await route.abort("internetdisconnected");
    }, { times: 1 });

    const dir = await Deno.makeTempDir();
    await Deno.writeFile(`${dir}/dataset.bin`, bytes);
    await alice.page.getByTestId("file-input").setInputFiles(`${dir}/dataset.bin`);
    const progress = alice.page.getByTestId("upload-progress");
    await heldReached;
    await alice.context.setOffline(true);
    release();
    await alice.page.getByTestId("draft").locator("[data-state=waiting]").waitFor();
    const [sent, max] = await progress.evaluate((bar: HTMLProgressElement) => [bar.value, bar.max]);
    assert.equal(sent, 3 * UPLOAD_PART_BYTES, "three parts stored before the drop");
    assert.equal(max, bytes.length);
    await screenshot(alice.page, "upload-waiting-1440");

    await alice.context.setOffline(false);
    await alice.page.getByTestId("draft").locator("[data-state=done]").waitFor({
      timeout: 30_000,
    });
    await alice.page.getByTestId("composer").fill("the data set");
    await alice.page.getByTestId("composer").press("Enter");

    const card = bob.page.getByTestId("attachment-file");
    await card.getByText("dataset.bin").waitFor({ timeout: 20_000 });
    await card.getByText("5 MB").waitFor();
    await screenshot(bob.page, "file-message-1440");
    for (let index = 0; index < parts; index++) {
      // Part 3 twice (the dropped try and the resumed one); every other part once.
      assert.equal(puts.get(index), index === 3 ? 2 : 1, `PUTs of part ${index}`);
    }
    const files = [];
    for await (const entry of chat.server.kv.list<{ size: number }>({ prefix: keys.files() })) {
      files.push(entry.value.size);
    }
    assert.deepEqual(files, [bytes.length]);
    await Deno.remove(dir, { recursive: true });
  }));

Deno.test("a file whose parts get no answer fails after its deadlines with a message, is kept on the server, and its retry sends only the missing part", () =>
  withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "stalls", DESKTOP_PAIR);
    // The page's timers on a clock the test moves: the part deadlines pass without the wait.
    await alice.page.clock.install();
    const bytes = new Uint8Array(UPLOAD_PART_BYTES + 3000).map((_, i) => i % 251);
    // Part 0 goes through; every PUT of part 1 is swallowed, as by a connection that stalled,
    // until `stalling` is off.
    let stalling = true;
    const puts = [0, 0];
    const held: { arrived: number; waiters: (() => void)[] } = { arrived: 0, waiters: [] };
    await alice.page.route("**/api/uploads/*/parts/*", async (route) => {
      const part = Number(/\/parts\/(\d+)$/.exec(route.request().url())![1]);
      puts[part]!++;
      if (part === 0 || !stalling) return await route.continue();
      held.arrived++;
      for (const wake of held.waiters.splice(0)) wake();
    });
    const arrived = async (count: number) => {
      while (held.arrived < count) await new Promise<void>((wake) => held.waiters.push(wake));
    };

    const dir = await Deno.makeTempDir();
    await Deno.writeFile(`${dir}/notes.txt`, bytes);
    await alice.page.getByTestId("file-input").setInputFiles(`${dir}/notes.txt`);
    for (let stall = 1; stall <= MAX_STALLS; stall++) {
      await arrived(stall);
      await alice.page.clock.fastForward(partTimeoutMs(3000) + 1000);
    }
    const draft = alice.page.getByTestId("draft");
    const failed = draft.locator("[data-state=failed]");
    await failed.waitFor();
    assert.equal(
      await failed.textContent(),
      "The upload stopped: no answer for too long. Check your connection, then retry or remove the file.",
    );
    assert.equal(held.arrived, MAX_STALLS, "one PUT per deadline, none after giving up");
    // Kept, with the part that arrived, for the retry to go on from.
    const uploads = await chat.server.kv.list({ prefix: keys.uploads() }).next();
    assert.equal(uploads.done, false, "the stalled upload is kept");
    await screenshot(alice.page, "upload-stalled-1440");

    stalling = false;
    await draft.getByRole("button", { name: "Retry notes.txt" }).click();
    await draft.locator("[data-state=done]").waitFor();
    assert.deepEqual(puts, [1, MAX_STALLS + 1], "part 0 is not sent again");
    await alice.page.getByTestId("composer").press("Enter");
    const card = bob.page.getByTestId("attachment-file");
    await card.getByText("notes.txt").waitFor();
    await Deno.remove(dir, { recursive: true });
  }));

Deno.test("removing a file whose upload stalled deletes the upload the server kept", () =>
  withBrowserChat(async (chat) => {
    const alice = await chat.open(DESKTOP_PAIR.alice);
    await registerThroughForm(alice.page, chat.url, "alice");
    await createRoomThroughForm(alice.page, "drafts");
    await alice.page.clock.install();
    let arrived = 0;
    const waiters: (() => void)[] = [];
    // Every part PUT is swallowed.
    await alice.page.route("**/api/uploads/*/parts/*", () => {
      arrived++;
      for (const wake of waiters.splice(0)) wake();
    });
    const dir = await Deno.makeTempDir();
    await Deno.writeFile(`${dir}/notes.txt`, new Uint8Array(3000).fill(65));
    await alice.page.getByTestId("file-input").setInputFiles(`${dir}/notes.txt`);
    for (let stall = 1; stall <= MAX_STALLS; stall++) {
      while (arrived < stall) await new Promise<void>((wake) => waiters.push(wake));
      await alice.page.clock.fastForward(partTimeoutMs(3000) + 1000);
    }
    const draft = alice.page.getByTestId("draft");
    await draft.locator("[data-state=failed]").waitFor();
    assert.equal((await chat.server.kv.list({ prefix: keys.uploads() }).next()).done, false);
    await draft.getByRole("button", { name: "Cancel notes.txt" }).click();
    await draft.waitFor({ state: "detached" });
    await eventually(async () => {
      const inFlight = await chat.server.kv.list({ prefix: keys.uploads() }).next();
      assert.equal(inFlight.done, true, "the kept upload is deleted");
    });
    await Deno.remove(dir, { recursive: true });
  }));

Deno.test("a photo's EXIF GPS position never reaches the server, with or without a declared JPEG type", () =>
  withBrowserChat(async (chat) => {
    const alice = await chat.open({ viewport: { width: 1440, height: 900 } });
    await registerThroughForm(alice.page, chat.url, "alice");
    await createRoomThroughForm(alice.page, "trips");
    const plain = await alice.page.evaluate(async () => {
      const canvas = new OffscreenCanvas(64, 48);
      const context = canvas.getContext("2d")!;
      context.fillStyle = "#3a7";
      context.fillRect(0, 0, 64, 48);
      const blob = await canvas.convertToBlob({ type: "image/jpeg" });
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    const photo = withExifGps(new Uint8Array(plain));
    assert.ok(containsBytes(photo, GPS_LATITUDE_BYTES));
    // As a camera names it, and as a file without an extension (no type declared) does.
    await pasteFile(alice.page, photo, "IMG_0001.jpg", "image/jpeg");
    await pasteFile(alice.page, photo, "IMG_0002", "");
    const done = alice.page.getByTestId("draft").locator("[data-state=done]");
    await eventually(async () => assert.equal(await done.count(), 2));
    await alice.page.getByTestId("composer").press("Enter");

    const thumbs = alice.page.getByTestId("attachment-thumb");
    await eventually(async () => assert.equal(await thumbs.count(), 2));
    // Photos without a caption: the conversation list says so instead of an empty preview.
    await alice.page.getByTestId("conversation-preview").getByText("You: 🖼 Photo").waitFor();
    for (let i = 0; i < 2; i++) {
      await thumbs.nth(i).click();
      const full = alice.page.getByTestId("lightbox").locator("img");
      const stored = new Uint8Array(
        await full.evaluate(async (img: HTMLImageElement) => {
          const response = await fetch(img.src);
          return [...new Uint8Array(await response.arrayBuffer())];
        }),
      );
      assert.deepEqual([...stored.subarray(0, 2)], [0xff, 0xd8], `file ${i} is a JPEG`);
      assert.ok(!containsBytes(stored, new TextEncoder().encode("Exif")), `file ${i}: no Exif`);
      assert.ok(!containsBytes(stored, GPS_LATITUDE_BYTES), `file ${i}: no GPS position`);
      await alice.page.keyboard.press("Escape");
      await alice.page.getByTestId("lightbox").waitFor({ state: "detached" });
    }
  }));
