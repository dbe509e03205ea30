/**
 * axe-core on every page and dialog, in both languages and both colour schemes: fails on any
 * serious or critical violation (contrast, names, labels, landmarks…), printing them.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { assertAccessible } from "./helpers/axe.ts";
import { registerUser } from "./helpers/chat_client.ts";
import {
  createRoomThroughForm,
  eventually,
  joinFromDiscover,
  registerThroughForm,
  screenshot,
  selectRoom,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";
import { encodePng } from "./helpers/png.ts";

const LOCALES = ["en-US", "zh-CN"] as const;
const SCHEMES = ["light", "dark"] as const;

/** Closes the topmost open dialog with Escape and waits until it is gone. */
async function escape(page: Page): Promise<void> {
  const open = page.locator("dialog[open]");
  // Dialogs load lazily: wait until the one to close is there, or `before` would miss it.
  await open.last().waitFor();
  const before = await open.count();
  await page.keyboard.press("Escape");
  await eventually(async () => assert.equal(await open.count(), before - 1));
}

for (const locale of LOCALES) {
  for (const colorScheme of SCHEMES) {
    Deno.test(`every page and dialog passes axe (serious, critical) in ${locale}, ${colorScheme}`, () =>
      withBrowserChat(async (chat) => {
        const { page, context } = await chat.open({
          locale,
          colorScheme,
          viewport: { width: 1440, height: 900 },
        });
        await context.grantPermissions(["clipboard-read", "clipboard-write"]);
        const name = `${locale}-${colorScheme}`;
        const check = (where: string) => assertAccessible(page, `${where} (${name})`);

        await page.goto(`${chat.url}/login`);
        await check("the login page");
        await page.goto(`${chat.url}/register`);
        await check("the register page");
        await registerThroughForm(page, chat.url, `a11y_${locale.slice(0, 2)}_${colorScheme}`);
        await check("the chat page with no room");

        await createRoomThroughForm(page, "lobby", "a topic");
        await sendThroughComposer(page, "hello there");
        await sendThroughComposer(page, "**formatted** `code` https://deno.com\n> quote\n\n- item");
        await check("the chat page with a room open");
        await screenshot(page, `a11y-chat-${name}`);

        await page.getByTestId("emoji-open").click();
        await page.getByTestId("emoji-picker").locator("[data-emoji]").first().waitFor();
        await check("the emoji picker");
        await screenshot(page, `a11y-emoji-${name}`);
        await escape(page);
        await page.getByTestId("composer").pressSequentially(":smi");
        await page.getByTestId("suggestions").waitFor();
        await check("the composer's suggestions");
        await page.getByTestId("composer").fill("");
        // The message actions: the menu, a reaction, a reply quote, the editor, the versions
        // of an edited message and the delete confirmation.
        const hello = page.locator('[data-testid=message][data-seq="1"]');
        await hello.hover();
        await hello.getByTestId("quick-react").first().click();
        await hello.getByTestId("reaction").waitFor();
        await hello.hover();
        await hello.getByTestId("menu-reply").click();
        await check("the message menu, a reaction and the reply banner");
        await sendThroughComposer(page, "a reply");
        await page.getByTestId("reply-quote").waitFor();
        await page.getByTestId("composer").press("ArrowUp");
        await check("the inline message editor");
        await page.getByTestId("message-editor").fill("a reply, edited");
        await page.getByTestId("message-editor").press("Enter");
        await page.getByTestId("edited").click();
        await page.getByTestId("version").first().waitFor();
        await check("the earlier versions dialog");
        await escape(page);
        await hello.hover();
        await hello.getByTestId("menu-delete").click();
        await check("the message delete confirmation");
        await escape(page);

        const dir = await Deno.makeTempDir();
        await Deno.writeFile(`${dir}/photo.png`, encodePng(300, 200, (x, y) => [x, y, 90]));
        await Deno.writeTextFile(`${dir}/notes.txt`, "minutes of the meeting");
        await page.getByTestId("file-input").setInputFiles([
          `${dir}/photo.png`,
          `${dir}/notes.txt`,
        ]);
        await eventually(async () =>
          assert.equal(await page.locator("[data-testid=draft] [data-state=done]").count(), 2)
        );
        await check("the composer with files to send");
        await page.getByTestId("composer").press("Enter");
        await page.getByTestId("attachment-thumb").waitFor();
        await check("a message with an image and a file");
        await page.getByTestId("attachment-thumb").click();
        await page.getByTestId("lightbox").waitFor();
        await check("the image lightbox");
        await escape(page);
        await Deno.remove(dir, { recursive: true });
        // Read state: a reader's "Seen by 1" and its list, someone typing, an unread badge and
        // the "new messages" divider.
        const bob = await chat.open();
        await registerThroughForm(
          bob.page,
          chat.url,
          `a11y_b_${locale.slice(0, 2)}_${colorScheme}`,
        );
        await joinFromDiscover(bob.page, "lobby");
        await page.getByTestId("seen").click();
        await check("the Seen by dialog");
        await escape(page);
        await bob.page.getByTestId("composer").pressSequentially("typing");
        await page.getByTestId("typing-indicator").filter({ hasText: /typing|输入/ }).waitFor();
        await check("the chat page with someone typing and a read receipt");
        await createRoomThroughForm(page, "annex");
        await bob.page.getByTestId("composer").press("Enter");
        await page.getByTestId("unread-badge").waitFor();
        await check("the conversation list with an unread badge");
        await selectRoom(page, "lobby");
        await page.getByTestId("unread-divider").waitFor();
        await check("a room opened at its new messages");

        await page.getByTestId("new-room-open").click();
        await page.getByTestId("new-room-dialog").waitFor();
        await check("the New room dialog");
        await escape(page);

        await page.getByTestId("members-toggle").click();
        await page.getByTestId("members-panel").getByTestId("member-row").first().waitFor();
        await check("the members panel");
        await screenshot(page, `a11y-members-${name}`);
        await page.getByTestId("open-invite").click();
        await page.getByTestId("create-link").click();
        await page.getByTestId("invite-link").waitFor();
        await page.getByTestId("copy-link").click();
        await page.locator("[data-testid=copy-link][data-state=copied]").waitFor();
        await check("the invite dialog with an invite link");
        await screenshot(page, `a11y-invite-${name}`);
        const link = await page.getByTestId("invite-link").inputValue();
        await escape(page);
        await page.getByTestId("members-close").click();

        await page.getByTestId("room-settings-toggle").click();
        await page.getByTestId("settings-name").waitFor();
        await check("the room settings dialog");
        await screenshot(page, `a11y-settings-${name}`);
        await page.getByTestId("delete-room").click();
        await check("the delete confirmation");
        await escape(page);
        await escape(page);

        await page.getByTestId("edit-profile").click();
        await page.getByTestId("profile-dialog").waitFor();
        await check("the profile dialog");
        await escape(page);

        const stranger = await registerUser(chat.url, "a11ystranger");
        await page.getByTestId("friend-search").fill("a11ystr");
        await page.getByTestId("friend-search-submit").click();
        await page.locator(`[data-testid=directory-result][data-username=${stranger.name}]`)
          .waitFor();
        await check("the people found by a search");
        await page.locator(`[data-testid=directory-result][data-username=${stranger.name}]`)
          .click();
        await page.getByTestId("card-add-friend").waitFor();
        await check("a stranger's profile card");
        await screenshot(page, `a11y-profile-card-${name}`);
        await escape(page);
        await page.getByTestId("author-button").first().click();
        await check("the own profile card, opened from an author's name");
        await escape(page);

        await page.getByTestId("leave-room").click();
        await check("the leave confirmation");
        await screenshot(page, `a11y-leave-${name}`);
        await escape(page);

        // The narrowest phone the layout is made for.
        await page.setViewportSize({ width: 360, height: 740 });
        await check("the chat on a phone");
        await screenshot(page, `a11y-phone-${name}`);
        await page.getByTestId("author-button").first().click();
        await check("a profile card on a phone");
        await screenshot(page, `a11y-phone-card-${name}`);
        await escape(page);
        // A phone keeps members, settings and Leave behind the header's "⋮" menu.
        assert.equal(await page.getByTestId("room-settings-toggle").isVisible(), false);
        await page.getByTestId("room-header-more").click();
        await check("the room header's menu on a phone");
        await screenshot(page, `a11y-phone-header-menu-${name}`);
        await page.getByTestId("room-settings-toggle").click();
        await page.getByTestId("room-settings").waitFor();
        await check("the room settings dialog on a phone");
        await escape(page);
        await page.getByTestId("room-header-more").click();
        await page.getByTestId("members-toggle").click();
        await page.getByTestId("open-invite").waitFor();
        await check("the members panel on a phone");
        await screenshot(page, `a11y-phone-members-${name}`);
        await page.getByTestId("open-invite").click();
        await check("the invite dialog on a phone");
        await escape(page);
        await page.getByTestId("members-close").click();
        await page.getByTestId("emoji-open").click();
        await page.getByTestId("emoji-picker").locator("[data-emoji]").first().waitFor();
        await check("the emoji picker on a phone");
        await screenshot(page, `a11y-phone-emoji-${name}`);
        await escape(page);
        await page.locator(".menu-toggle").click();
        await check("the conversation list on a phone");
        await screenshot(page, `a11y-phone-list-${name}`);
        await page.getByTestId("edit-profile").click();
        await page.getByTestId("profile-dialog").waitFor();
        await check("the profile dialog on a phone");
        await escape(page);

        await page.goto(link);
        await check("the join page");
        await page.context().clearCookies();
        await page.goto(`${chat.url}/login?ended=1`);
        await page.getByTestId("session-ended").waitFor();
        await check("the login page after the session ended elsewhere");
        await page.goto(`${chat.url}/login?deleted=1`);
        await page.getByTestId("account-deleted").waitFor();
        await check("the login page once the account's deletion began");
      }));
  }
}
