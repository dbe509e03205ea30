/**
 * An encrypted private group for tests: the room made through the API, its members invited by
 * the owner (friends first), and its MLS group formed by real {@linkcode E2eDevice}s over the
 * room's log, as the integration and chaos tests need it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { api, befriend, type TestUser } from "./chat_client.ts";
import type { E2eDevice } from "./e2e_device.ts";

/**
 * Creates a private encrypted room owned by `owner` and invites each of `members` into it;
 * with `befriendFirst`, the owner befriends each of them first (an invite needs a friend).
 * Returns the room's id.
 */
export async function createEncryptedGroup(
  baseUrl: string,
  owner: TestUser,
  members: readonly TestUser[],
  name: string,
  { befriendFirst = false } = {},
): Promise<string> {
  const created = await api<{ room: { id: string; encrypted?: true } }>(
    baseUrl,
    owner,
    "POST",
    "/api/rooms",
    { name, visibility: "private", encrypted: true },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.room.encrypted, true);
  const room = created.body.room.id;
  for (const member of members) {
    if (befriendFirst) await befriend(baseUrl, owner, member);
    const invite = await api(baseUrl, owner, "POST", `/api/rooms/${room}/invites`, {
      username: member.name,
    });
    assert.ok(invite.status < 300, `invite: ${invite.status}`);
  }
  return room;
}

/**
 * Forms the MLS group of `room`: the first device starts it and adds one device of every other
 * user in one commit; every device reads the log up to that commit. Each device must have
 * entered the room. Returns the commit's seq.
 */
export async function formMlsGroup(room: string, devices: readonly E2eDevice[]): Promise<number> {
  const [starter, ...others] = devices;
  assert.ok(starter, "a device to start the group");
  await starter.startGroup();
  const claimed = [];
  for (const other of others) claimed.push(...await starter.claim(other.user.id, room));
  const added = await starter.add(claimed);
  for (const other of others) {
    await other.readUntil(added);
    assert.deepEqual(other.read.get(added), { kind: "joined" }, `${other.user.name} joined`);
  }
  return added;
}
