import assert from "node:assert/strict";
import { createDevice, generateDeviceKeyPackage } from "./mls_device.ts";
import { type Incoming, MAX_ADDS_PER_COMMIT, MlsGroup } from "./mls_group.ts";
import type { E2ePayload } from "../protocol.ts";

async function joinWith(payload: E2ePayload, held: Parameters<typeof MlsGroup.join>[1]) {
  const result = await MlsGroup.join(payload, held);
  assert.ok(result?.group, "the Welcome was for this device");
  return result;
}

function text(incoming: Incoming): string {
  assert.equal(incoming.kind, "message", JSON.stringify(incoming));
  return (incoming as { text: string }).text;
}

/** Alice's group with Bob added; both at epoch 1. */
async function aliceAndBob() {
  const alice = await createDevice("alice", "a1");
  const bob = await createDevice("bob", "b1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const bobPackage = await generateDeviceKeyPackage(bob);
  const commit = await group.add([{ userId: "bob", keyPackage: bobPackage.encoded }]);
  group.stage(commit);
  assert.equal((await group.receive(commit.payload)).kind, "commit");
  const joinedBob = await MlsGroup.join(commit.payload, [bobPackage]);
  assert.ok(joinedBob?.group);
  return { alice: group, bob: joinedBob.group, bobDevice: bob };
}

Deno.test("MlsGroup: a member added by a commit reads what the creator encrypts, and back", async () => {
  const { alice, bob } = await aliceAndBob();
  assert.deepEqual(alice.members, ["alice:a1", "bob:b1"]);
  assert.deepEqual(bob.members, ["alice:a1", "bob:b1"]);
  const hello = await alice.encrypt("你好 Bob");
  assert.ok(!hello.data.includes("Bob"));
  assert.equal(text(await bob.receive(hello)), "你好 Bob");
  assert.equal(text(await alice.receive(await bob.encrypt("hi Alice"))), "hi Alice");
});

Deno.test("MlsGroup.receive() skips the device's own message instead of failing on it", async () => {
  const { alice } = await aliceAndBob();
  const own = await alice.encrypt("mine");
  assert.deepEqual(await alice.receive(own), { kind: "skipped", reason: "own_message" });
});

Deno.test("MlsGroup: a removed member cannot read messages sent after the removal", async () => {
  const { alice, bob } = await aliceAndBob();
  const removal = await alice.removeUser("bob");
  alice.stage(removal);
  assert.equal((await alice.receive(removal.payload)).kind, "commit");
  assert.deepEqual(alice.members, ["alice:a1"]);
  await bob.receive(removal.payload);
  const later = await alice.encrypt("after bob left");
  const seen = await bob.receive(later);
  assert.notEqual(seen.kind, "message");
});

Deno.test("MlsGroup: a new member skips messages from before it joined", async () => {
  const { alice, bob } = await aliceAndBob();
  const early = await alice.encrypt("before carol");
  assert.equal(text(await bob.receive(early)), "before carol");
  const carol = await createDevice("carol", "c1");
  const carolPackage = await generateDeviceKeyPackage(carol);
  const adding = await alice.add([{ userId: "carol", keyPackage: carolPackage.encoded }]);
  alice.stage(adding);
  await alice.receive(adding.payload);
  assert.equal((await bob.receive(adding.payload)).kind, "commit");
  const { group: carolGroup } = await joinWith(adding.payload, [carolPackage]);
  assert.deepEqual(await carolGroup.receive(early), { kind: "skipped", reason: "before_join" });
  assert.equal(text(await carolGroup.receive(await bob.encrypt("welcome carol"))), "welcome carol");
});

Deno.test("MlsGroup: of two racing commits the one earlier in the log wins on every device", async () => {
  const { alice, bob } = await aliceAndBob();
  const carol = await createDevice("carol", "c1");
  const dave = await createDevice("dave", "d1");
  const fromAlice = await alice.add([{
    userId: "carol",
    keyPackage: (await generateDeviceKeyPackage(carol)).encoded,
  }]);
  const fromBob = await bob.add([{
    userId: "dave",
    keyPackage: (await generateDeviceKeyPackage(dave)).encoded,
  }]);
  alice.stage(fromAlice);
  bob.stage(fromBob);
  // The server ordered Bob's commit first.
  for (const device of [alice, bob]) {
    assert.equal((await device.receive(fromBob.payload)).kind, "commit");
    assert.deepEqual(await device.receive(fromAlice.payload), {
      kind: "skipped",
      reason: "stale_epoch",
    });
  }
  assert.equal(alice.epoch, bob.epoch);
  assert.deepEqual(alice.members, bob.members);
  assert.equal(text(await bob.receive(await alice.encrypt("same epoch"))), "same epoch");
});

Deno.test("MlsGroup.receive() reports a tampered ciphertext and still reads the next message", async () => {
  const { alice, bob } = await aliceAndBob();
  const good = await alice.encrypt("first");
  const bytes = atob(good.data).split("");
  const last = bytes.length - 5;
  bytes[last] = String.fromCharCode(bytes[last]!.charCodeAt(0) ^ 1);
  const tampered: E2ePayload = { kind: "message", data: btoa(bytes.join("")) };
  assert.equal((await bob.receive(tampered)).kind, "undecryptable");
  assert.equal((await bob.receive({ kind: "message", data: "not base64!" })).kind, "undecryptable");
  assert.equal(text(await bob.receive(good)), "first");
  assert.equal(text(await bob.receive(await alice.encrypt("second"))), "second");
});

Deno.test("MlsGroup.join() returns undefined for a Welcome made for another device", async () => {
  const alice = await createDevice("alice", "a1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const bob = await createDevice("bob", "b1");
  const commit = await group.add([{
    userId: "bob",
    keyPackage: (await generateDeviceKeyPackage(bob)).encoded,
  }]);
  const eve = await createDevice("eve", "e1");
  assert.equal(
    await MlsGroup.join(commit.payload, [await generateDeviceKeyPackage(eve)]),
    undefined,
  );
  // A fresh KeyPackage of Bob's is not the one the Welcome was encrypted to either.
  assert.equal(
    await MlsGroup.join(commit.payload, [await generateDeviceKeyPackage(bob)]),
    undefined,
  );
});

Deno.test("MlsGroup.join() fails, naming the KeyPackage, on a damaged Welcome made for this device, and on one that does not decode", async () => {
  const alice = await createDevice("alice", "a1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const bobPackage = await generateDeviceKeyPackage(await createDevice("bob", "b1"));
  const commit = await group.add([{ userId: "bob", keyPackage: bobPackage.encoded }]);
  const welcome = Uint8Array.from(atob(commit.payload.welcome!), (c) => c.charCodeAt(0));
  // The last bytes are the encrypted group info: damaged, it no longer decrypts.
  welcome[welcome.length - 5]! ^= 1;
  const damaged = { ...commit.payload, welcome: btoa(String.fromCharCode(...welcome)) };
  const failed = await MlsGroup.join(damaged, [bobPackage]);
  assert.equal(failed?.group, undefined);
  assert.ok(failed?.failed, "a reason");
  assert.equal(failed.used, bobPackage);
  const garbage = { ...commit.payload, welcome: btoa("not a Welcome") };
  const undecodable = await MlsGroup.join(garbage, [bobPackage]);
  assert.deepEqual(undecodable, { failed: "the Welcome does not decode" });
});

Deno.test("MlsGroup.add() refuses a KeyPackage that names another user than the one claimed", async () => {
  const alice = await createDevice("alice", "a1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const mallory = await generateDeviceKeyPackage(await createDevice("mallory", "m1"));
  await assert.rejects(
    () => group.add([{ userId: "bob", keyPackage: mallory.encoded }]),
    /another user/,
  );
});

Deno.test("MlsGroup.save() and restore() keep a member able to read and write across a reload", async () => {
  const { alice, bob } = await aliceAndBob();
  const reloaded = MlsGroup.restore(bob.save());
  assert.ok(reloaded);
  assert.equal(reloaded.epoch, bob.epoch);
  assert.equal(text(await reloaded.receive(await alice.encrypt("after reload"))), "after reload");
  assert.equal(
    text(await alice.receive(await reloaded.encrypt("from the reloaded tab"))),
    "from the reloaded tab",
  );
});

Deno.test("MlsGroup.add() refuses more devices than fit one payload, so a frame is never too large", async () => {
  const alice = await createDevice("alice", "a1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const bob = await generateDeviceKeyPackage(await createDevice("bob", "b1"));
  const tooMany = Array.from({ length: MAX_ADDS_PER_COMMIT + 1 }, () => ({
    userId: "bob",
    keyPackage: bob.encoded,
  }));
  await assert.rejects(() => group.add(tooMany), /at most/);
});

Deno.test("MlsGroup.memberKeys names each member device with its own signature key, the same on every member", async () => {
  const { alice, bob, bobDevice } = await aliceAndBob();
  const seen = alice.memberKeys;
  assert.deepEqual(seen.map((member) => member.identity), ["alice:a1", "bob:b1"]);
  assert.deepEqual(seen[1]!.signatureKey, bobDevice.signature.publicKey);
  assert.deepEqual(bob.memberKeys, seen);
});

Deno.test("MlsGroup.receive() reports a commit or message of an epoch it has not reached as behind", async () => {
  const { alice, bob } = await aliceAndBob();
  const carol = await createDevice("carol", "c1");
  const adding = await alice.add([{
    userId: "carol",
    keyPackage: (await generateDeviceKeyPackage(carol)).encoded,
  }]);
  alice.stage(adding);
  await alice.receive(adding.payload);
  // Bob never applies that commit: what Alice sends next is of an epoch he cannot reach.
  const later = await alice.encrypt("after the commit bob missed");
  assert.deepEqual(await bob.receive(later), { kind: "behind", epoch: 2n });
  const removal = await alice.removeUser("carol");
  assert.deepEqual(await bob.receive(removal.payload), { kind: "behind", epoch: 2n });
});

Deno.test("MlsGroup.add() of a device already in the group replaces its leaf: it rejoins and reads on", async () => {
  const { alice, bob, bobDevice } = await aliceAndBob();
  const before = alice.leafKeyOf("bob:b1");
  assert.ok(before);
  // Bob's device lost its state; it joins again with a fresh KeyPackage.
  const fresh = await generateDeviceKeyPackage(bobDevice);
  const readding = await alice.add([{ userId: "bob", keyPackage: fresh.encoded }]);
  alice.stage(readding);
  assert.equal((await alice.receive(readding.payload)).kind, "commit");
  assert.deepEqual(alice.members, ["alice:a1", "bob:b1"], "one leaf for Bob's device");
  assert.notEqual(alice.leafKeyOf("bob:b1"), before);
  const { group: rejoined } = await joinWith(readding.payload, [fresh]);
  assert.equal(text(await rejoined.receive(await alice.encrypt("welcome back"))), "welcome back");
  // The state it lost can read nothing of the new epoch.
  assert.notEqual(
    (await bob.receive(await alice.encrypt("not for the old state"))).kind,
    "message",
  );
});

Deno.test("MlsGroup.add() refuses to add again a device in the group with another signature key", async () => {
  const { alice } = await aliceAndBob();
  // Someone (a malicious server, say) hands out a KeyPackage in the name of Bob's device.
  const impostor = await generateDeviceKeyPackage(await createDevice("bob", "b1"));
  await assert.rejects(
    () => alice.add([{ userId: "bob", keyPackage: impostor.encoded }]),
    /signature key/,
  );
});
