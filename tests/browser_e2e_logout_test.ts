/**
 * Browser test of logging out with end-to-end keys on the device, in Chromium: the logout asks
 * whether to keep them. Keeping them reads the secret chat again after logging in here;
 * removing them deletes the user's E2E records in IndexedDB and the device on the server. A
 * user without keys logs out unasked.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { en } from "../lib/common/i18n/en.ts";
import { zhCN } from "../lib/common/i18n/zh_cn.ts";
import { api } from "./helpers/chat_client.ts";
import { keysReady, openSecretChat } from "./helpers/secret_chat.ts";
import {
  eventually,
  logInThroughForm,
  messageTexts,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  type UserPage,
  withBrowserChat,
} from "./helpers/browser.ts";

/** A record of the page's E2E database as stored (raw: before any unsealing). */
interface RawRecord {
  key: string;
  /** Whether it has the shape of a sealed record (`client/e2e/sealed_record.ts`). */
  sealed: boolean;
  /** For a `CryptoKey`: its algorithm and whether it can be exported. */
  cryptoKey?: { algorithm: string; extractable: boolean };
  /** The value as text, byte arrays decoded as UTF-8, to search for plaintext. */
  dump: string;
}

/** Every record of the page's E2E database (`client/e2e/key_store.ts`); none when it has none. */
function storedE2eRecords(page: Page): Promise<RawRecord[]> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((database) => database.name === "chat-e2e")) {
      return [];
    }
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open("chat-e2e");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const read = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const store = db.transaction("keys").objectStore("keys");
    const [keys, values] = await Promise.all([read(store.getAllKeys()), read(store.getAll())]);
    db.close();
    const text = (bytes: ArrayBuffer | ArrayBufferView) =>
      new TextDecoder().decode(bytes instanceof ArrayBuffer ? bytes : bytes.buffer);
    return keys.map((key, i) => {
      const value = values[i];
      if (value instanceof CryptoKey) {
        return {
          key: String(key),
          sealed: false,
          cryptoKey: { algorithm: value.algorithm.name, extractable: value.extractable },
          dump: "",
        };
      }
      const dump = JSON.stringify(
        value,
        (_k, v) =>
          v instanceof ArrayBuffer || ArrayBuffer.isView(v)
            ? text(v)
            : typeof v === "bigint"
            ? String(v)
            : v,
      );
      const sealed = value?.sealed === 1 && value.iv instanceof Uint8Array &&
        value.data instanceof ArrayBuffer;
      return { key: String(key), sealed, dump };
    });
  });
}

/** The keys of {@linkcode storedE2eRecords}. */
async function storedE2eKeys(page: Page): Promise<string[]> {
  return (await storedE2eRecords(page)).map((record) => record.key);
}

/** Alice starts a secret chat with Bob and says `text`; both pages have read it. */
async function secretChatRead(url: string, alice: UserPage, bob: UserPage, text: string) {
  const { aliceUser, bobUser, bobItem } = await openSecretChat(url, alice, bob);
  await sendThroughComposer(alice.page, text);
  await eventually(async () => assert.deepEqual(await messageTexts(bob.page), [text]));
  return { aliceUser, bobUser, secretChat: bobItem };
}

/** Clicks the header's logout (labelled `label`) once the page asks about keys at logout. */
async function clickLogout(page: Page, label: string = en["layout.logout"]): Promise<void> {
  await page.locator("form.logout[data-asks-about-keys]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: label }).click();
}

Deno.test("logout with E2E keys asks: kept keys read the secret chat after logging in again, removed ones are gone here and on the server", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open();
    const { aliceUser, bobUser, secretChat } = await secretChatRead(url, alice, bob, "只给 Bob 看");
    const bobKeys = await storedE2eKeys(bob.page);
    assert.ok(bobKeys.includes(`device/${bobUser.id}`), JSON.stringify(bobKeys));

    // Keep (the focused default): logged out, the keys stay, and the chat reads again.
    await clickLogout(bob.page);
    const dialog = bob.page.getByTestId("logout-keys-dialog");
    await dialog.getByText(en["e2e.logoutTitle"], { exact: true }).waitFor();
    await screenshot(bob.page, "e2e_logout_keys");
    assert.equal(
      await bob.page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "logout-keep-keys",
    );
    await dialog.getByTestId("logout-keep-keys").click();
    await bob.page.waitForURL(`${url}/login`);
    assert.deepEqual((await storedE2eKeys(bob.page)).sort(), bobKeys.sort());
    await logInThroughForm(bob.page, url, "bob");
    await secretChat.click();
    await keysReady(bob.page);
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), ["只给 Bob 看"]));

    // Cancel changes nothing; Remove deletes every record of Bob here and his device there.
    await clickLogout(bob.page);
    await dialog.getByTestId("logout-cancel").click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(new URL(bob.page.url()).pathname, "/", "still on the chat page");
    await clickLogout(bob.page);
    await dialog.getByTestId("logout-remove-keys").click();
    await bob.page.waitForURL(`${url}/login`);
    assert.deepEqual(
      (await storedE2eKeys(bob.page)).filter((key) => key.includes(bobUser.id)),
      [],
    );
    const claim = await api(url, aliceUser, "POST", "/api/e2e/claim", { user: bobUser.id });
    assert.equal(claim.status, 404, "no device of Bob's is left to add to a group");

    // Carol never had keys: her logout is not asked about.
    const carol = await open();
    await registerThroughForm(carol.page, url, "carol");
    await clickLogout(carol.page);
    await carol.page.waitForURL(`${url}/login`);
    assert.deepEqual(await storedE2eKeys(carol.page), []);
  }));

Deno.test("E2E records in IndexedDB are sealed under a non-extractable key, plain ones of before too; the Chinese UI says it all in Chinese", () =>
  withBrowserChat(async ({ url, open }) => {
    const alice = await open();
    const bob = await open({ locale: "zh-CN" });
    const secret = "周五下午三点，老地方";
    const { bobUser } = await secretChatRead(url, alice, bob, secret);
    const check = async () => {
      const records = await storedE2eRecords(bob.page);
      const sealingKey = records.find((record) => record.cryptoKey);
      assert.deepEqual(sealingKey?.cryptoKey, { algorithm: "AES-GCM", extractable: false });
      const others = records.filter((record) => !record.cryptoKey);
      assert.ok(others.some((record) => record.key === `device/${bobUser.id}`));
      for (const record of others) {
        assert.ok(record.sealed, `${record.key} is sealed`);
        for (const piece of [secret, "老地方", "旧的明文", "signKey", "deviceId", "text"]) {
          assert.ok(!record.dump.includes(piece), `${record.key} shows "${piece}"`);
        }
      }
    };
    await check();
    // A record kept before sealing existed (written here as the older version did) is sealed
    // when the store next opens, and still reads.
    await bob.page.evaluate(async (key) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const opening = indexedDB.open("chat-e2e");
        opening.onsuccess = () => resolve(opening.result);
        opening.onerror = () => reject(opening.error);
      });
      const transaction = db.transaction("keys", "readwrite");
      transaction.objectStore("keys").put([["legacy-payload", "旧的明文"]], key);
      await new Promise((resolve) => transaction.oncomplete = resolve);
      db.close();
    }, `own/${bobUser.id}/legacy-room`);
    assert.ok((await storedE2eRecords(bob.page)).some((r) => r.dump.includes("旧的明文")));
    await bob.page.reload();
    await keysReady(bob.page);
    await eventually(async () => assert.deepEqual(await messageTexts(bob.page), [secret]));
    await check();

    // Bob's UI is in Chinese: the padlock, the preview and the logout question.
    // The header's padlock is the safety number's button once its check has run.
    const lock = bob.page.getByTestId("e2e-header-lock");
    await eventually(async () => {
      assert.equal(await lock.getAttribute("aria-label"), zhCN["e2e.lockUnverified"]);
      assert.equal(await lock.getAttribute("title"), zhCN["e2e.lockUnverified"]);
    });
    const listed = bob.page.getByTestId("e2e-lock").first();
    assert.equal(await listed.getAttribute("aria-label"), zhCN["e2e.secretChat"]);
    assert.equal(await listed.getAttribute("title"), zhCN["e2e.encrypted"]);
    await eventually(async () => {
      const preview = await bob.page.getByTestId("conversation-preview").first().textContent();
      assert.ok(preview?.endsWith(zhCN["e2e.preview"]), preview ?? "");
    });
    await clickLogout(bob.page, zhCN["layout.logout"]);
    const dialog = bob.page.getByTestId("logout-keys-dialog");
    await dialog.getByText(zhCN["e2e.logoutTitle"], { exact: true }).waitFor();
    for (const key of ["e2e.logoutKeep", "e2e.logoutRemove"] as const) {
      await dialog.getByRole("button", { name: zhCN[key], exact: true }).waitFor();
    }
    await screenshot(bob.page, "e2e_logout_keys_zh");
    await dialog.getByTestId("logout-cancel").click();
    await dialog.waitFor({ state: "detached" });
  }));
