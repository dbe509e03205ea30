/**
 * Browser tests of rich text: Markdown rendering, the emoji picker, `:shortcode:` completion and
 * `@mention` completion and highlighting, in Chromium against a real server, with two users.
 *
 * Set `SCREENSHOT_DIR` to save screenshots of formatted messages, the picker and completions.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createRoomThroughForm,
  eventually,
  messagesWithText,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  twoUsersInRoom,
  withBrowserChat,
} from "./helpers/browser.ts";

Deno.test("a Markdown message renders formatted at the other side, and a <script> as text", async () => {
  await withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "formatting");
    await sendThroughComposer(
      alice.page,
      "**bold** _it_ ~~gone~~ `x<y` see https://deno.com [bad](javascript:alert(1))\n" +
        "> quoted\n\n- one\n- two\n\n```\nlet a = 1;\n```",
    );
    await sendThroughComposer(alice.page, "<script>window.pwned = 1</script><b>no</b>");
    const text = bob.page.getByTestId("message-text");
    await text.locator("strong").getByText("bold", { exact: true }).waitFor();
    await text.locator("em").getByText("it", { exact: true }).waitFor();
    await text.locator("del").getByText("gone", { exact: true }).waitFor();
    await text.locator("code").getByText("x<y", { exact: true }).waitFor();
    await text.locator("blockquote").getByText("quoted").waitFor();
    assert.deepEqual(await text.locator("ul li").allTextContents(), ["one", "two"]);
    await text.locator("pre code").getByText("let a = 1;").waitFor();
    const link = text.locator("a");
    assert.equal(await link.count(), 1);
    assert.equal(await link.getAttribute("href"), "https://deno.com/");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    await text.getByText("[bad](javascript:alert(1))").waitFor();

    await messagesWithText(bob.page, "<script>window.pwned = 1</script><b>no</b>").waitFor();
    assert.equal(await text.locator("script, b").count(), 0);
    assert.equal(await bob.page.evaluate(() => "pwned" in globalThis), false);
    await screenshot(bob.page, "format-markdown");
    assert.deepEqual([...alice.errors, ...bob.errors, ...bob.cspViolations], []);
  });
});

Deno.test("picking an emoji from the picker puts it at the caret in the composer", async () => {
  await withBrowserChat(async (chat) => {
    const alice = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    await createRoomThroughForm(alice.page, "emoji");
    const composer = alice.page.getByTestId("composer");
    await composer.fill("hello  world");
    await composer.evaluate((box: HTMLTextAreaElement) => box.setSelectionRange(6, 6));
    // The picker and its data are a lazy chunk: opening it loads them.
    await alice.page.getByTestId("emoji-open").click();
    const picker = alice.page.getByTestId("emoji-picker");
    await picker.getByTestId("emoji-search").fill("party");
    await picker.locator("[data-emoji='🎉']").click();
    await picker.waitFor({ state: "detached" });
    assert.equal(await composer.inputValue(), "hello 🎉 world");

    // Recently used comes first next time; a skin tone applies to emoji that have one.
    await alice.page.getByTestId("emoji-open").click();
    await picker.locator("section").first().locator("[data-emoji='🎉']").waitFor();
    await picker.getByRole("radio").nth(5).click();
    await picker.getByTestId("emoji-search").fill("waving hand");
    await picker.locator("[data-emoji='👋🏿']").waitFor();
    await screenshot(alice.page, "format-emoji-picker");
    await alice.page.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    assert.deepEqual(alice.errors, []);
  });
});

Deno.test("typing :smile offers the emoji and Enter picks it", async () => {
  await withBrowserChat(async (chat) => {
    const alice = await chat.open();
    await registerThroughForm(alice.page, chat.url, "alice");
    await createRoomThroughForm(alice.page, "shortcodes");
    const composer = alice.page.getByTestId("composer");
    await composer.pressSequentially("nice :smile");
    const suggestions = alice.page.getByTestId("suggestions");
    await suggestions.getByText(":smile:", { exact: true }).waitFor();
    await screenshot(alice.page, "format-shortcode");
    await composer.press("Enter");
    assert.equal(await composer.inputValue(), "nice 😄");
    await suggestions.waitFor({ state: "detached" });
    await composer.press("Enter");
    await messagesWithText(alice.page, "nice 😄").waitFor();
  });
});

Deno.test("a mention picked from autocomplete is highlighted for the room, strongly for the one named", async () => {
  await withBrowserChat(async (chat) => {
    const { alice, bob } = await twoUsersInRoom(chat, "mentions");
    const composer = alice.page.getByTestId("composer");
    await composer.pressSequentially("hey @bo");
    const suggestions = alice.page.getByTestId("suggestions");
    await suggestions.getByText("@bob", { exact: true }).waitFor();
    await composer.press("ArrowDown");
    await composer.press("Tab");
    assert.equal(await composer.inputValue(), "hey @bob ");
    await composer.pressSequentially("look");
    await screenshot(alice.page, "format-mention-typing");
    await composer.press("Enter");

    const atBob = messagesWithText(bob.page, "hey @bob look");
    await atBob.locator(".mention.mention-me").getByText("@bob").waitFor();
    await eventually(async () => {
      assert.match(await atBob.getAttribute("class") ?? "", /\bmentions-me\b/);
    });
    const atAlice = messagesWithText(alice.page, "hey @bob look");
    await atAlice.locator(".mention").getByText("@bob").waitFor();
    assert.equal(await atAlice.locator(".mention-me").count(), 0);
    await screenshot(bob.page, "format-mention-received");

    // Escape closes the list and leaves the text as typed.
    await composer.pressSequentially("@al");
    await suggestions.waitFor();
    await composer.press("Escape");
    await suggestions.waitFor({ state: "detached" });
    assert.equal(await composer.inputValue(), "@al");
  });
});
