/**
 * Integration tests of an account deletion that a crash cut off: it is recorded as under way
 * with the account's `deleting` mark, and a node (at its start, then every 10 minutes) takes
 * over the deletions whose run stopped and finishes them, so the account ends deleted although
 * its owner can no longer sign in to ask again. Real KV shared by two nodes in turn, a fake
 * clock for the claim's 15 minutes.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FriendLists, RoomDetails } from "../lib/common/api_types.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { Accounts } from "../lib/accounts/accounts.ts";
import { DELETION_CLAIM_MS } from "../lib/accounts/account_deletion.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { api, befriend, createRoom, registerUser } from "./helpers/chat_client.ts";
import { startTestServer } from "./helpers/test_server.ts";

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix })) count++;
  return count;
}

Deno.test("a deletion cut off after its first step is finished by the next node once its claim runs out, not before", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock(Date.now());
  try {
    const first = await startTestServer({ kv, clock });
    let alice, bob, room;
    try {
      alice = await registerUser(first.url, "alice");
      bob = await registerUser(first.url, "bob");
      await befriend(first.url, alice, bob);
      room = await createRoom(first.url, alice, [bob], "club");
      // The node stops right after the deletion's first commit (as a crash would).
      assert.equal(await new Accounts(kv, clock).beginDeletion(alice.id, DELETION_CLAIM_MS), true);
    } finally {
      await first.close();
    }

    const second = await startTestServer({ kv, clock });
    try {
      // Its start looked, and left the deletion to the run that still holds it.
      assert.equal(await second.chat.accountDeletion.resume(), 0);
      assert.equal((await kv.get(keys.user(alice.id))).value !== null, true);
      assert.equal((await api(second.url, alice, "GET", "/api/me")).status, 401);

      clock.advance(DELETION_CLAIM_MS);
      assert.equal(await second.chat.accountDeletion.resume(), 1);
      assert.equal((await kv.get(keys.user(alice.id))).value, null);
      assert.equal((await kv.get(keys.accountDeletion(alice.id))).value, null);
      assert.equal(await countKeys(kv, keys.userRooms(alice.id)), 0);
      const friends = await api<FriendLists>(second.url, bob, "GET", "/api/friends");
      assert.deepEqual(friends.body.friends, []);
      const details = await api<RoomDetails>(
        second.url,
        bob,
        "GET",
        `/api/rooms/${room.id}/members`,
      );
      assert.deepEqual(details.body.members.map((m) => [m.user.id, m.role]), [[bob.id, "owner"]]);
      // Nothing is left under way.
      assert.equal(await second.chat.accountDeletion.resume(), 0);
    } finally {
      await second.close();
    }
  } finally {
    kv.close();
  }
});

Deno.test("a node that starts takes over a deletion whose claim ran out, and clears one whose account is already gone", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock(Date.now());
  try {
    const first = await startTestServer({ kv, clock });
    let alice, carol;
    try {
      alice = await registerUser(first.url, "alice");
      carol = await registerUser(first.url, "carol");
      const accounts = new Accounts(kv, clock);
      assert.equal(await accounts.beginDeletion(alice.id, DELETION_CLAIM_MS), true);
      // Carol's deletion stopped after its last step but before its record was cleared.
      assert.equal(await accounts.beginDeletion(carol.id, DELETION_CLAIM_MS), true);
      await kv.delete(keys.user(carol.id));
    } finally {
      await first.close();
    }
    clock.advance(DELETION_CLAIM_MS);

    const second = await startTestServer({ kv, clock });
    try {
      // The start's own round, with nobody asking.
      const deadline = Date.now() + 30_000;
      while (await countKeys(kv, keys.accountDeletions()) > 0) {
        assert.ok(Date.now() < deadline, "the deletions under way are still there after 30 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal((await kv.get(keys.user(alice.id))).value, null);
      assert.equal((await kv.get(keys.user(carol.id))).value, null);
    } finally {
      await second.close();
    }
  } finally {
    kv.close();
  }
});
