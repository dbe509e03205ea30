import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { en } from "../lib/common/i18n/en.ts";
import { zhCN } from "../lib/common/i18n/zh_cn.ts";
import {
  createRoomThroughForm,
  joinFromDiscover,
  messageTexts,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  TEST_PASSWORD,
  waitForConnection,
  withBrowserChat,
} from "./helpers/browser.ts";

const lang = (page: Page) => page.locator("html").getAttribute("lang");
const systemTexts = (page: Page) =>
  page.getByTestId("system-message").locator("span").allTextContents();
const preview = (page: Page, room: string) =>
  page.locator(`[data-testid=room-item][data-room-id="${room}"]`).getByTestId(
    "conversation-preview",
  );
const sendButton = (page: Page) => page.locator(".composer button[type=submit]");

Deno.test("a browser preferring Chinese gets a Chinese chat; a language saved in the profile outlasts reloads", () =>
  withBrowserChat(async (chat) => {
    const { page } = await chat.open({ locale: "zh-CN", viewport: { width: 1440, height: 900 } });
    await page.goto(`${chat.url}/register`);
    assert.equal(await lang(page), "zh-CN");
    await page.getByLabel(zhCN["auth.username"]).fill("xiaoming");
    await page.getByLabel(zhCN["auth.password"]).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: zhCN["auth.signUp"] }).click();
    await page.waitForURL(`${chat.url}/`);
    await waitForConnection(page, "online");
    assert.equal(await lang(page), "zh-CN");
    assert.equal(await page.title(), zhCN["app.name"]);

    await createRoomThroughForm(page, "大厅", "随便聊聊");
    await sendThroughComposer(page, "大家好！");
    assert.deepEqual(await messageTexts(page), ["大家好！"]);
    assert.equal((await sendButton(page).textContent())?.trim(), zhCN["composer.send"]);
    await page.getByRole("heading", { name: zhCN["conversations.heading"], exact: true }).waitFor();
    await page.getByRole("heading", { name: zhCN["friends.heading"], exact: true }).waitFor();
    await page.getByTestId("leave-room").getByText(zhCN["room.leave"], { exact: true }).waitFor();
    await page.getByTestId("connection-status").getByText(zhCN["status.online"]).waitFor();
    await screenshot(page, "i18n-zh-desktop");
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, "i18n-zh-phone");
    await page.getByRole("button", { name: zhCN["chat.back"], exact: true }).click();
    await screenshot(page, "i18n-zh-phone-drawer");
    await page.keyboard.press("Escape"); // closes the conversation list on a phone
    await page.locator("#chat-sidebar").waitFor({ state: "hidden" });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId("edit-profile").click();
    await screenshot(page, "i18n-zh-profile");
    await page.getByTestId("profile-locale").selectOption("en");
    await Promise.all([page.waitForEvent("load"), page.getByTestId("save-profile").click()]);
    await waitForConnection(page, "online");
    assert.equal(await lang(page), "en");
    assert.equal((await sendButton(page).textContent())?.trim(), en["composer.send"]);
    await page.reload();
    await waitForConnection(page, "online");
    assert.equal(await lang(page), "en");
    assert.equal((await sendButton(page).textContent())?.trim(), en["composer.send"]);

    // Back to the browser's language.
    await page.getByTestId("edit-profile").click();
    assert.equal(await page.getByTestId("profile-locale").inputValue(), "en");
    await page.getByTestId("profile-locale").selectOption("");
    await Promise.all([page.waitForEvent("load"), page.getByTestId("save-profile").click()]);
    await waitForConnection(page, "online");
    assert.equal(await lang(page), "zh-CN");
  }));

Deno.test("a browser preferring English gets the English chat", () =>
  withBrowserChat(async (chat) => {
    const { page } = await chat.open();
    await page.goto(`${chat.url}/login`);
    assert.equal(await lang(page), "en");
    await registerThroughForm(page, chat.url, "alice");
    assert.equal(await lang(page), "en");
    await createRoomThroughForm(page, "lobby");
    assert.equal((await sendButton(page).textContent())?.trim(), en["composer.send"]);
    await page.getByRole("heading", { name: en["conversations.heading"], exact: true }).waitFor();
  }));

Deno.test("the server's refusals reach a Chinese reader in Chinese, on a form page and in the chat", () =>
  withBrowserChat(async (chat) => {
    const { page } = await chat.open({ locale: "zh-CN", viewport: { width: 1440, height: 900 } });
    await page.goto(`${chat.url}/login`);
    await page.getByLabel(zhCN["auth.username"]).fill("nobody_here");
    await page.getByLabel(zhCN["auth.password"]).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: zhCN["auth.logIn"] }).click();
    assert.equal(
      await page.getByTestId("auth-error").textContent(),
      zhCN["refusal.wrongCredentials"],
    );

    await page.goto(`${chat.url}/register`);
    await page.getByLabel(zhCN["auth.username"]).fill("xiaohong");
    await page.getByLabel(zhCN["auth.password"]).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: zhCN["auth.signUp"] }).click();
    await waitForConnection(page, "online");
    await page.getByTestId("friend-search").fill("nobody_here");
    await page.getByTestId("friend-search-submit").click();
    await page.locator(".error[role=alert]").getByText(zhCN["directory.none"], { exact: true })
      .waitFor();
  }));

Deno.test("readers of one room see its system messages in their own language, live and after a reload", () =>
  withBrowserChat(async (chat) => {
    const zh = (await chat.open({ locale: "zh-CN" })).page;
    await zh.goto(`${chat.url}/register`);
    await zh.getByLabel(zhCN["auth.username"]).fill("xiaoming");
    await zh.getByLabel(zhCN["auth.password"]).fill(TEST_PASSWORD);
    await zh.getByRole("button", { name: zhCN["auth.signUp"] }).click();
    await waitForConnection(zh, "online");
    const room = await createRoomThroughForm(zh, "lobby");
    const en = (await chat.open()).page;
    await registerThroughForm(en, chat.url, "alice");
    assert.equal(await joinFromDiscover(en, "lobby"), room);

    await zh.getByTestId("system-message").getByText("alice 加入了房间", { exact: true }).waitFor();
    await en.getByTestId("system-message").getByText("alice joined", { exact: true }).waitFor();

    await zh.getByTestId("room-settings-toggle").click();
    await zh.getByTestId("settings-name").fill("大厅");
    await zh.getByTestId("settings-save").click();
    const zhTexts = ["alice 加入了房间", "xiaoming 将房间重命名为“大厅”"];
    const enTexts = ["alice joined", "xiaoming renamed the room to “大厅”"];
    await zh.getByTestId("system-message").getByText(zhTexts[1]!, { exact: true }).waitFor();
    await en.getByTestId("system-message").getByText(enTexts[1]!, { exact: true }).waitFor();
    assert.deepEqual(await systemTexts(zh), zhTexts);
    assert.deepEqual(await systemTexts(en), enTexts);
    await preview(zh, room).getByText(zhTexts[1]!, { exact: true }).waitFor();
    await preview(en, room).getByText(enTexts[1]!, { exact: true }).waitFor();

    // From history and the conversation list as the server sends them, not the live frames.
    await zh.reload();
    await waitForConnection(zh, "online");
    await preview(zh, room).getByText(zhTexts[1]!, { exact: true }).waitFor();
    await zh.locator(`[data-testid=room-item][data-room-id="${room}"] a`).click();
    await zh.getByTestId("system-message").getByText(zhTexts[1]!, { exact: true }).waitFor();
    assert.deepEqual(await systemTexts(zh), zhTexts);
  }));
