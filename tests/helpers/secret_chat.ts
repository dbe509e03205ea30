/**
 * Browser steps shared by the end-to-end encryption tests: waiting for a page's device to be in
 * the shown encrypted room's MLS group, and two users opening their secret chat.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { befriend, type TestUser } from "./chat_client.ts";
import { pageUser, registerThroughForm, sessionOf, type UserPage } from "./browser.ts";

/**
 * Waits until the page's device is in the shown encrypted room's group (it can read and send);
 * `timeout` in ms, Playwright's default when absent.
 */
export async function keysReady(page: Page, timeout?: number): Promise<void> {
  await page.locator(".room-column[data-e2e-status=ready]").waitFor({ timeout });
}

/** Two users in their secret chat, with their sessions and Bob's list item for it. */
export interface SecretChatPair {
  aliceUser: TestUser;
  bobUser: TestUser;
  /** The secret chat's item in Bob's conversation list. */
  bobItem: ReturnType<Page["getByTestId"]>;
}

/**
 * Registers Alice and Bob on their pages, makes them friends, and opens their secret chat:
 * Alice starts it from her friend list (her device starts the group), then Bob opens it from
 * his conversation list, where it arrives live with its padlock; both devices are then in its
 * group.
 */
export async function openSecretChat(
  url: string,
  alice: UserPage,
  bob: UserPage,
): Promise<SecretChatPair> {
  await registerThroughForm(alice.page, url, "alice");
  await registerThroughForm(bob.page, url, "bob");
  const aliceUser = await sessionOf(alice.context, await pageUser(alice.page));
  const bobUser = await sessionOf(bob.context, await pageUser(bob.page));
  await befriend(url, aliceUser, bobUser);
  await alice.page.reload();
  await alice.page.locator("[data-testid=friend-item][data-username=bob]")
    .getByTestId("secret-chat-friend").click();
  await alice.page.getByTestId("room-title").getByText("@ bob", { exact: true }).waitFor();
  await keysReady(alice.page);
  const bobItem = bob.page.getByTestId("dm-item").filter({
    has: bob.page.getByTestId("e2e-lock"),
  });
  await bobItem.click();
  await keysReady(bob.page);
  return { aliceUser, bobUser, bobItem };
}
