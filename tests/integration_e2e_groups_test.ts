import assert from "node:assert/strict";
import { api, befriend, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { E2eDevice } from "./helpers/e2e_device.ts";
import { generateDeviceKeyPackage } from "../lib/common/e2e/mls_device.ts";
import { withTestServer } from "./helpers/test_server.ts";
import { keys } from "../lib/kv/kv_keys.ts";

/** Alice's encrypted private group, with `invited` invited (friends of hers). */
async function encryptedGroup(url: string, owner: TestUser, invited: TestUser[]): Promise<string> {
  const created = await api<{ room: { id: string; encrypted?: true } }>(
    url,
    owner,
    "POST",
    "/api/rooms",
    { name: "plans", visibility: "private", encrypted: true },
  );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.room.encrypted, true);
  for (const user of invited) await invite(url, owner, created.body.room.id, user);
  return created.body.room.id;
}

async function invite(url: string, owner: TestUser, room: string, user: TestUser) {
  await befriend(url, owner, user);
  const response = await api(url, owner, "POST", `/api/rooms/${room}/invites`, {
    username: user.name,
  });
  assert.ok(response.status < 300, `invite: ${response.status}`);
}

/** Opens a device per user, subscribed to `room`. */
async function devicesIn(url: string, room: string, owners: [TestUser, string][]) {
  const devices = await Promise.all(
    owners.map(([user, deviceId]) => E2eDevice.open(url, user, deviceId)),
  );
  for (const device of devices) await device.enter(room);
  return devices;
}

/** Alice's device starts the group and follows the room: every member's device is added. */
async function started(alice: E2eDevice): Promise<number> {
  await alice.startGroup();
  const seq = await alice.follow();
  assert.ok(seq, "a commit adding the members");
  return seq;
}

/** A removed user's device, handed the later ciphertext anyway (a leak), reads none of it. */
async function cannotRead(outsider: E2eDevice, log: E2eDevice, room: string, seqs: number[]) {
  for (const seq of seqs) {
    const entry = log.socket.messages(room).find((m) => m.seq === seq);
    assert.ok(entry?.e2e, `seq ${seq} is in the log`);
    const incoming = await outsider.group!.receive(entry.e2e);
    assert.notEqual(incoming.kind, "message", `seq ${seq} must not decrypt`);
  }
}

/** Alice's encrypted group with Bob, and a device of Alice's and two of Bob's in the room. */
async function aliceAndTwoBobDevices(url: string) {
  const aliceUser = await registerUser(url, "alice");
  const bobUser = await registerUser(url, "bob");
  const room = await encryptedGroup(url, aliceUser, [bobUser]);
  const devices = await devicesIn(url, room, [
    [aliceUser, "alice-phone"],
    [bobUser, "bob-pc-1"],
    [bobUser, "bob-pc-2"],
  ]);
  const [alice, bob1, bob2] = devices as [E2eDevice, E2eDevice, E2eDevice];
  return { aliceUser, bobUser, room, devices, alice, bob1, bob2 };
}

/**
 * Alice's encrypted group with Bob and Carol, one device each (`alice-phone`, `bob-pc-1`,
 * `carol-phone`), started by Alice's device and read by the others up to its first commit.
 */
async function threeInGroup(url: string) {
  const aliceUser = await registerUser(url, "alice");
  const bobUser = await registerUser(url, "bob");
  const carolUser = await registerUser(url, "carol");
  const room = await encryptedGroup(url, aliceUser, [bobUser, carolUser]);
  const devices = await devicesIn(url, room, [
    [aliceUser, "alice-phone"],
    [bobUser, "bob-pc-1"],
    [carolUser, "carol-phone"],
  ]);
  const [alice, bob, carol] = devices as [E2eDevice, E2eDevice, E2eDevice];
  const first = await started(alice);
  await bob.readUntil(first);
  await carol.readUntil(first);
  return { aliceUser, bobUser, carolUser, room, devices, alice, bob, carol };
}

async function closeAll(devices: E2eDevice[]) {
  await Promise.all(devices.map((device) => device.close()));
}

Deno.test("encrypted group: the directory lists a room's members and devices to members only", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const eve = await registerUser(url, "eve");
    const room = await encryptedGroup(url, aliceUser, [bobUser]);
    const devices = await devicesIn(url, room, [
      [aliceUser, "alice-phone"],
      [bobUser, "bob-pc-1"],
    ]);
    const [alice] = devices as [E2eDevice, E2eDevice];
    try {
      const listed = await alice.roomDevices();
      assert.deepEqual(
        listed.map((m) => [m.userId, m.devices]).sort(),
        [[aliceUser.id, ["alice-phone"]], [bobUser.id, ["bob-pc-1"]]].sort(),
      );
      const refused = await api(url, eve, "GET", `/api/e2e/rooms/${room}/devices`);
      assert.equal(refused.status, 404);
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: the creator's device adds every member's devices, and a member invited later is added on join", async () => {
  await withTestServer(async ({ url }) => {
    const { aliceUser, room, devices, alice, bob1, bob2 } = await aliceAndTwoBobDevices(url);
    const carolUser = await registerUser(url, "carol");
    try {
      const first = await started(alice);
      const before = await alice.say("before carol");
      for (const bob of [bob1, bob2]) {
        await bob.readUntil(before);
        assert.deepEqual(bob.read.get(first), { kind: "joined" });
        assert.equal(bob.textAt(before), "before carol");
      }
      assert.equal(await alice.follow(), undefined, "nothing left to do");
      await invite(url, aliceUser, room, carolUser);
      const [carol] = await devicesIn(url, room, [[carolUser, "carol-phone"]]);
      devices.push(carol!);
      // Bob's device commits the add: any member device may, not only the creator's.
      await bob1.readUntil(before);
      const added = await bob1.follow();
      assert.ok(added);
      await bob2.readUntil(added);
      const after = await bob2.say("welcome carol");
      await carol!.readUntil(after);
      assert.deepEqual(carol!.read.get(added), { kind: "joined" });
      assert.equal(carol!.textAt(after), "welcome carol");
      // Her client fetching the older history gets this ciphertext, and cannot read it.
      const earlier = alice.socket.messages(room).find((m) => m.seq === before)!;
      assert.deepEqual(await carol!.group!.receive(earlier.e2e!), {
        kind: "skipped",
        reason: "before_join",
      });
      await alice.readUntil(after);
      assert.equal(alice.textAt(after), "welcome carol");
      assert.deepEqual(alice.group!.members, carol!.group!.members);
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: kick, ban and leave each commit the removal of all that user's devices", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const carolUser = await registerUser(url, "carol");
    const daveUser = await registerUser(url, "dave");
    const room = await encryptedGroup(url, aliceUser, [bobUser, carolUser, daveUser]);
    const devices = await devicesIn(url, room, [
      [aliceUser, "alice-phone"],
      [bobUser, "bob-pc-1"],
      [bobUser, "bob-pc-2"],
      [carolUser, "carol-phone"],
      [daveUser, "dave-phone"],
    ]);
    const [alice, bob1, bob2, carol, dave] = devices as E2eDevice[] as [
      E2eDevice,
      E2eDevice,
      E2eDevice,
      E2eDevice,
      E2eDevice,
    ];
    try {
      const first = await started(alice);
      for (const device of [bob1, bob2, carol, dave]) {
        await device.readUntil(first);
        assert.deepEqual(device.read.get(first), { kind: "joined" });
      }
      const moves: [string, E2eDevice[], () => Promise<{ status: number }>][] = [
        [
          "kick",
          [carol],
          () => api(url, aliceUser, "POST", `/api/rooms/${room}/members/${carolUser.id}/kick`),
        ],
        ["leave", [bob1, bob2], () => api(url, bobUser, "POST", `/api/rooms/${room}/leave`)],
        [
          "ban",
          [dave],
          () => api(url, aliceUser, "POST", `/api/rooms/${room}/members/${daveUser.id}/ban`),
        ],
      ];
      for (const [move, gone, act] of moves) {
        const response = await act();
        assert.ok(response.status < 300, `${move}: ${response.status}`);
        const removal = await alice.follow();
        assert.ok(removal, `${move}: a removal commit`);
        const after = await alice.say(`after the ${move}`);
        const userId = gone[0]!.user.id;
        assert.ok(alice.group!.members.every((member) => !member.startsWith(userId + ":")));
        for (const outsider of gone) await cannotRead(outsider, alice, room, [removal, after]);
      }
      assert.deepEqual(alice.group!.members, [`${aliceUser.id}:alice-phone`]);
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: of two devices committing at once, the first in seq order wins and the other redoes its change on the new epoch", async () => {
  await withTestServer(async ({ url }) => {
    const { aliceUser, carolUser, room, devices, alice, bob } = await threeInGroup(url);
    const daveUser = await registerUser(url, "dave");
    try {
      // Carol leaves and Dave is invited: Alice's device and Bob's each see a different change.
      await invite(url, aliceUser, room, daveUser);
      const [dave] = await devicesIn(url, room, [[daveUser, "dave-phone"]]);
      devices.push(dave!);
      const fromAlice = await alice.prepareFollow();
      const left = await api(url, carolUser, "POST", `/api/rooms/${room}/leave`);
      assert.ok(left.status < 300);
      const fromBob = await bob.prepareFollow();
      assert.ok(fromAlice && fromBob);
      const [aliceSeq, bobSeq] = await Promise.all([
        alice.sendCommit(fromAlice),
        bob.sendCommit(fromBob),
      ]);
      const [winner, loser] = aliceSeq < bobSeq ? [aliceSeq, bobSeq] : [bobSeq, aliceSeq];
      const loserDevice = aliceSeq < bobSeq ? bob : alice;
      for (const device of [alice, bob]) {
        await device.readUntil(loser);
        assert.equal(device.read.get(winner)?.kind, "commit");
        assert.deepEqual(device.read.get(loser), { kind: "skipped", reason: "stale_epoch" });
      }
      // The loser plans again on the new epoch; then nothing is left for either.
      while (await loserDevice.follow() !== undefined) { /* one commit per change */ }
      const winnerDevice = loserDevice === bob ? alice : bob;
      const check = await loserDevice.say("both changes are in");
      await winnerDevice.readUntil(check);
      assert.equal(await winnerDevice.follow(), undefined);
      assert.equal(winnerDevice.textAt(check), "both changes are in");
      await dave!.readUntil(check);
      assert.equal(dave!.textAt(check), "both changes are in");
      const members = winnerDevice.group!.members;
      assert.deepEqual(members, loserDevice.group!.members);
      assert.ok(members.includes(`${daveUser.id}:dave-phone`));
      assert.ok(members.every((member) => !member.startsWith(carolUser.id + ":")));
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: a user's second device is added by their first, reads from then on, not before", async () => {
  await withTestServer(async ({ url }) => {
    const aliceUser = await registerUser(url, "alice");
    const bobUser = await registerUser(url, "bob");
    const room = await encryptedGroup(url, aliceUser, [bobUser]);
    const devices = await devicesIn(url, room, [
      [aliceUser, "alice-phone"],
      [bobUser, "bob-pc-1"],
    ]);
    const [alice, bob] = devices as [E2eDevice, E2eDevice];
    try {
      await bob.readUntil(await started(alice));
      const before = await bob.say("from before the tablet");
      await alice.readUntil(before);
      const [tablet] = await devicesIn(url, room, [[aliceUser, "alice-tablet"]]);
      devices.push(tablet!);
      const change = await alice.prepareFollow();
      assert.ok(change, "the new device is in the directory and not in the group");
      assert.equal(
        await bob.prepareFollow().then((commit) => commit !== undefined),
        true,
        "Bob's device would add it too (when none of Alice's is online)",
      );
      const added = await alice.sendCommit(change);
      await bob.readUntil(added);
      const after = await bob.say("for every device of alice");
      await tablet!.readUntil(after);
      assert.deepEqual(tablet!.read.get(added), { kind: "joined" });
      assert.equal(tablet!.textAt(after), "for every device of alice");
      const old = alice.socket.messages(room).find((m) => m.seq === before)!;
      assert.equal((await tablet!.group!.receive(old.e2e!)).kind, "skipped");
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: a malformed commit from a member's socket is rejected by the others, who read on and report it once", async () => {
  await withTestServer(async ({ url }) => {
    const { aliceUser, bobUser, carolUser, room, devices, alice, bob, carol } = await threeInGroup(
      url,
    );
    const eve = await registerUser(url, "eve");
    try {
      const said = await bob.say("before");
      // Through Bob's real socket: a commit that is not MLS, and a real ciphertext of the
      // current epoch, altered, sent as a commit (it parses but does not verify).
      const garbage = await bob.sendPayload({ kind: "commit", data: btoa("not an MLS commit!") });
      const real = bob.socket.messages(room).find((m) => m.seq === said)!.e2e!;
      const bytes = Uint8Array.from(atob(real.data), (c) => c.charCodeAt(0));
      bytes[bytes.length - 3]! ^= 4;
      const tampered = await bob.sendPayload({
        kind: "commit",
        data: btoa(String.fromCharCode(...bytes)),
      });
      const after = await bob.say("after");
      for (const reader of [alice, carol]) {
        await reader.readUntil(after);
        for (const seq of [garbage, tampered]) {
          const read = reader.textAt(seq);
          assert.equal(typeof read === "object" && read.kind, "undecryptable", `seq ${seq}`);
        }
        assert.equal(reader.textAt(after), "after", "the group is where it was");
      }

      const report = (user: TestUser, seq: number, reason = "bad commit") =>
        api<{ id: string }>(url, user, "POST", `/api/e2e/rooms/${room}/handshake_reports`, {
          seq,
          reason,
        });
      const first = await report(aliceUser, garbage, "not an MLS message");
      assert.equal(first.status, 200);
      const again = await report(carolUser, garbage);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id, "one open report per commit");
      assert.equal((await report(aliceUser, tampered)).status, 200);
      assert.equal((await report(aliceUser, said)).status, 404, "a message is not a handshake");
      // Bob's other device may be the one that could not read it.
      assert.equal((await report(bobUser, garbage)).status, 200, "a commit of one's own user");
      assert.equal((await report(eve, garbage)).status, 404, "a non-member");
      assert.equal((await report(aliceUser, garbage, "x".repeat(201))).status, 400);
      assert.equal((await report(aliceUser, garbage, "bad\u0000reason")).status, 400);
      // Alice registered first: she is the administrator, and sees the two reports.
      const admin = await fetch(`${url}/admin?tab=reports`, {
        headers: { cookie: aliceUser.cookie },
      });
      const page = await admin.text();
      assert.equal(page.match(/data-testid="admin-report"/g)?.length, 2);
      assert.equal(page.match(/could not parse or verify/g)?.length, 2);
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: a device its user removes leaves the directory for good, and the group's devices remove it", async () => {
  await withTestServer(async ({ url }) => {
    const { aliceUser, bobUser, room, devices, alice, bob1, bob2 } = await aliceAndTwoBobDevices(
      url,
    );
    try {
      const start = await started(alice);
      for (const bob of [bob1, bob2]) await bob.readUntil(start);
      assert.ok(alice.group!.members.includes(`${bobUser.id}:bob-pc-2`));

      // "Remove keys" at logout on Bob's second device.
      const removed = await api(url, bobUser, "DELETE", "/api/e2e/devices/bob-pc-2");
      assert.equal(removed.status, 204);
      const listed = await api<{ devices: { deviceId: string }[] }>(
        url,
        aliceUser,
        "GET",
        `/api/e2e/users/${bobUser.id}/devices`,
      );
      assert.deepEqual(listed.body.devices.map((d) => d.deviceId), ["bob-pc-1"]);
      const inRoom = (await alice.roomDevices()).find((m) => m.userId === bobUser.id);
      assert.deepEqual(inRoom?.devices, ["bob-pc-1"]);
      const claimed = await alice.claim(bobUser.id, room);
      assert.deepEqual(claimed.map((c) => c.deviceId), ["bob-pc-1"], "its KeyPackages are gone");
      // A stale tab of the removed device cannot bring it back.
      const again = await api(url, bobUser, "PUT", "/api/e2e/devices/bob-pc-2/key_packages", {
        keyPackages: [(await generateDeviceKeyPackage(bob2.device)).encoded],
      });
      assert.equal(again.status, 409);
      assert.equal(
        (await alice.roomDevices()).find((m) => m.userId === bobUser.id)?.devices.length,
        1,
      );

      // Alice's device follows the directory: a commit removes the device, and only it.
      const removal = await alice.follow();
      assert.ok(removal, "a commit removes the device");
      assert.deepEqual(
        alice.group!.members.sort(),
        [`${aliceUser.id}:alice-phone`, `${bobUser.id}:bob-pc-1`].sort(),
      );
      const after = await alice.say("after the removal");
      await bob1.readUntil(after);
      assert.equal(bob1.textAt(after), "after the removal");
      await bob2.readUntil(after);
      assert.notEqual(typeof bob2.textAt(after), "string", "the removed device cannot read it");
    } finally {
      await closeAll(devices);
    }
  });
});

Deno.test("encrypted group: a deleted account's devices leave the directory, its KeyPackages cannot be claimed, and the group removes them", async () => {
  await withTestServer(async ({ url, kv }) => {
    const { aliceUser, bobUser, carolUser, room, devices, alice, bob, carol } = await threeInGroup(
      url,
    );
    try {
      const held = async (prefix: Deno.KvKey) =>
        (await Array.fromAsync(kv.list({ prefix }))).length;
      const bobsKeys = [
        keys.e2eDevices(bobUser.id),
        keys.e2eUserKeyPackages(bobUser.id),
        keys.e2eRemovedDevices(bobUser.id),
      ];
      assert.ok(await held(keys.e2eUserKeyPackages(bobUser.id)) > 0, "Bob has KeyPackages left");

      const deleted = await api(url, bobUser, "POST", "/api/me/account/delete", {
        password: "correct horse battery",
      });
      assert.equal(deleted.status, 204);
      // The notice that makes the members' devices check their groups at once.
      await alice.socket.next(
        "user_event",
        (frame) =>
          frame.event.kind === "profile" && frame.event.profile.id === bobUser.id &&
          frame.event.profile.deleted === true,
      );
      for (const prefix of bobsKeys) assert.equal(await held(prefix), 0, `${prefix} is empty`);
      const claim = await api(url, carolUser, "POST", "/api/e2e/claim", {
        user: bobUser.id,
        room,
      });
      assert.equal(claim.status, 404, "no KeyPackage of the deleted account is handed out");
      assert.deepEqual(
        (await alice.roomDevices()).map((member) => member.userId).sort(),
        [aliceUser.id, carolUser.id].sort(),
      );

      // Alice's device follows the directory: one commit removes Bob's device.
      const removal = await alice.follow();
      assert.ok(removal, "a commit removes the deleted account's device");
      assert.deepEqual(
        alice.group!.members.sort(),
        [`${aliceUser.id}:alice-phone`, `${carolUser.id}:carol-phone`].sort(),
      );
      const after = await alice.say("after Bob's account was deleted");
      await carol.readUntil(after);
      assert.equal(carol.textAt(after), "after Bob's account was deleted");
      await cannotRead(bob, alice, room, [removal, after]);
    } finally {
      await closeAll(devices);
    }
  });
});
