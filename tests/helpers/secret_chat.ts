/**
 * Browser steps shared by the end-to-end encryption tests: waiting for a page's device to be in
 * the shown encrypted room's MLS group, two users opening their secret chat, users opening an
 * encrypted group, and reading the safety number's state and digits.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { roomFromHash } from "../../client/room_hash.ts";
import { api, befriend, type TestUser } from "./chat_client.ts";
import { pageUser, registerThroughForm, selectRoom, sessionOf, type UserPage } from "./browser.ts";

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

/**
 * How long a member's device may wait to be added to an encrypted group: it asks the group's
 * devices, which look at the key directory at once (and at most every 20 s otherwise,
 * `client/e2e/room_reader.ts`); generous for a loaded machine.
 */
export const NEW_DEVICE_WAIT_MS = 60_000;

/** An encrypted group made by {@linkcode openEncryptedGroup}. */
export interface EncryptedGroup {
  /** The room's id. */
  room: string;
  /** The creator's session. */
  ownerUser: TestUser;
  /** The other members' sessions, in the order of their pages. */
  memberUsers: TestUser[];
}

/**
 * The first page's user (registered as `names[0]`) creates the private encrypted group `name`
 * from the New room dialog (checking that a public room cannot be encrypted), its device starts
 * the group, then the others (registered as the next names) are befriended and invited, open the
 * group and are added to it; every device is then in its group.
 */
export async function openEncryptedGroup(
  url: string,
  name: string,
  pages: readonly UserPage[],
  names: readonly string[],
): Promise<EncryptedGroup> {
  const users: TestUser[] = [];
  for (const [i, { page, context }] of pages.entries()) {
    await registerThroughForm(page, url, names[i]!);
    users.push(await sessionOf(context, await pageUser(page)));
  }
  const [owner, ...members] = pages;
  const [ownerUser, ...memberUsers] = users;
  await owner!.page.getByTestId("new-room-open").click();
  await owner!.page.getByTestId("new-room-name").fill(name);
  const box = owner!.page.getByTestId("new-room-encrypted");
  assert.equal(await box.isDisabled(), true, "a public room cannot be encrypted");
  await owner!.page.getByTestId("new-room-visibility").selectOption("private");
  await box.check();
  await owner!.page.getByTestId("create-room").click();
  await owner!.page.getByTestId("e2e-header-lock").waitFor();
  // No wait for the owner's device to start the group: the members are invited while it may
  // still be starting it, and their devices may race it (the room's seq order settles it).
  const room = roomFromHash(await owner!.page.evaluate(() => location.hash));
  assert.ok(room);
  for (const user of memberUsers) {
    await befriend(url, ownerUser!, user);
    const invited = await api(url, ownerUser!, "POST", `/api/rooms/${room}/invites`, {
      username: user.name,
    });
    assert.ok(invited.status < 300, `invite: ${invited.status}`);
  }
  for (const member of members) {
    await member.page.reload();
    await selectRoom(member.page, name);
    // A member's device publishes its KeyPackages only once it lists an encrypted room (now),
    // and the owner's device finds them at its next look at the directory: the same wait as a
    // new device's.
    await keysReady(member.page, NEW_DEVICE_WAIT_MS);
  }
  await keysReady(owner!.page);
  return { room, ownerUser: ownerUser!, memberUsers };
}

/** The header padlock's safety number state, once the page has checked it. */
export async function lockState(page: Page): Promise<string | null> {
  return await page.getByTestId("e2e-header-lock").getAttribute("data-verified");
}

/** The digits the open safety number dialog shows, as one string of 12 groups. */
export async function shownNumber(page: Page): Promise<string> {
  const number = page.getByTestId("safety-number-dialog").getByTestId("safety-number");
  await number.waitFor();
  const groups = await number.locator("span").allTextContents();
  assert.equal(groups.length, 12);
  for (const group of groups) assert.match(group, /^\d{5}$/);
  return groups.join(" ");
}

/** How many devices with keys the key directory lists for `userId`, as `viewer` asks. */
export async function directoryDevices(
  url: string,
  viewer: TestUser,
  userId: string,
): Promise<number> {
  const response = await fetch(`${url}/api/e2e/users/${userId}/devices`, {
    headers: { cookie: viewer.cookie },
  });
  return (await response.json() as { devices: unknown[] }).devices.length;
}
