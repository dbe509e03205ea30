/**
 * Browser test of administration: a member reports a message through the message menu, the
 * administrator (the first account) finds it on the admin page, then disables the author
 * while they are chatting in another browser context, which is sent to the login page.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createRoomThroughForm,
  joinFromDiscover,
  messagesWithText,
  registerThroughForm,
  screenshot,
  sendThroughComposer,
  withBrowserChat,
} from "./helpers/browser.ts";

Deno.test("a reported message reaches the admin page, and disabling its author sends them to login", () =>
  withBrowserChat(async ({ server, open }) => {
    const admin = await open();
    await registerThroughForm(admin.page, server.url, "boss");
    await createRoomThroughForm(admin.page, "lounge");
    const spammer = await open();
    await registerThroughForm(spammer.page, server.url, "spammer");
    await joinFromDiscover(spammer.page, "lounge");
    await sendThroughComposer(spammer.page, "buy cheap watches");

    // Report it from the message menu, with a reason.
    const message = messagesWithText(admin.page, "buy cheap watches");
    await message.waitFor();
    await message.hover();
    await message.getByTestId("menu-report").click();
    await admin.page.getByTestId("report-reason").fill("spam, again");
    await screenshot(admin.page, "report-dialog");
    await admin.page.getByTestId("report-send").click();
    await admin.page.getByTestId("report-sent").waitFor();
    await admin.page.keyboard.press("Escape");
    // Your own messages have no Report.
    await sendThroughComposer(admin.page, "welcome all");
    const own = messagesWithText(admin.page, "welcome all");
    await own.hover();
    assert.equal(await own.getByTestId("menu-report").count(), 0);

    // The spammer's header has no admin link; the administrator's leads to the page.
    assert.equal(await spammer.page.getByTestId("admin-link").count(), 0);
    await admin.page.getByTestId("admin-link").click();
    await admin.page.getByTestId("admin-tab-reports").click();
    const report = admin.page.getByTestId("admin-report");
    await report.getByTestId("admin-report-text").getByText("buy cheap watches").waitFor();
    await report.getByText("spam, again").waitFor();
    await screenshot(admin.page, "admin-reports");

    // Disable the author from the users tab, found by a search.
    await admin.page.getByTestId("admin-tab-users").click();
    await admin.page.getByTestId("admin-search").fill("spam");
    await admin.page.getByTestId("admin-search").press("Enter");
    const row = admin.page.getByTestId("admin-user").filter({ hasText: "spammer" });
    await row.getByTestId("admin-disable").click();
    await row.getByTestId("admin-enable").waitFor();
    await screenshot(admin.page, "admin-users");

    await spammer.page.waitForURL(`${server.url}/login?ended=1`);
    await spammer.page.getByTestId("session-ended").waitFor();
    await spammer.page.locator("input[name=username]").fill("spammer");
    await spammer.page.locator("input[name=password]").fill("correct horse battery");
    await spammer.page.locator("form[action='/login'] button[type=submit]").click();
    await spammer.page.getByTestId("auth-error").getByText(/disabled/).waitFor();
    await screenshot(spammer.page, "login-disabled");

    // On a phone, the report's actions wrap under it.
    await admin.page.setViewportSize({ width: 390, height: 800 });
    await admin.page.getByTestId("admin-tab-reports").click();
    await admin.page.getByTestId("admin-dismiss").waitFor();
    await screenshot(admin.page, "admin-phone");
    // The account section of the profile dialog: export and delete.
    await admin.page.setViewportSize({ width: 1100, height: 720 });
    await admin.page.goto(server.url);
    await admin.page.getByTestId("edit-profile").click();
    await admin.page.getByTestId("account-export").waitFor();
    await screenshot(admin.page, "profile-account");
  }));

Deno.test("a user deletes their account from the profile dialog; the other member sees 'Deleted user'", () =>
  withBrowserChat(async ({ server, open }) => {
    const stay = await open();
    await registerThroughForm(stay.page, server.url, "stayer");
    await createRoomThroughForm(stay.page, "cafe");
    const leaver = await open();
    await registerThroughForm(leaver.page, server.url, "leaver");
    await joinFromDiscover(leaver.page, "cafe");
    await sendThroughComposer(leaver.page, "farewell everyone");
    const farewell = messagesWithText(stay.page, "farewell everyone");
    await farewell.waitFor();

    await leaver.page.getByTestId("edit-profile").click();
    await leaver.page.getByTestId("account-delete").click();
    await leaver.page.getByTestId("delete-account-password").fill("not my password");
    await leaver.page.getByTestId("delete-account-confirm").click();
    await leaver.page.getByTestId("delete-account-dialog").getByRole("alert").getByText(
      "Wrong password",
    ).waitFor();
    await leaver.page.getByTestId("delete-account-password").fill("correct horse battery");
    await screenshot(leaver.page, "delete-account");
    await leaver.page.getByTestId("delete-account-confirm").click();
    // Answered once the deletion began (the rest runs on at the server); whichever of the
    // socket's close (4001) and the answer comes first, the login page says it is under way.
    await leaver.page.getByTestId("account-deleted").waitFor();
    assert.equal(new URL(leaver.page.url()).pathname, "/login");
    // Headed as such, not with the login page's "Welcome back".
    assert.equal(
      await leaver.page.getByRole("heading", { level: 1 }).textContent(),
      "Account deletion under way",
    );
    await screenshot(leaver.page, "account-deleted");

    // Live, without a reload: the message stays, its author is a deleted user.
    const group = stay.page.locator(".message-group").filter({ has: farewell });
    await group.locator(".author").getByText("Deleted user", { exact: true }).waitFor();
    await screenshot(stay.page, "deleted-user");
    await stay.page.reload();
    await messagesWithText(stay.page, "farewell everyone").waitFor();
    await stay.page.locator(".author").getByText("Deleted user", { exact: true }).waitFor();
  }));
