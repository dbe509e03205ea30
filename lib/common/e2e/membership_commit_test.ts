import assert from "node:assert/strict";
import { membershipCommit } from "./membership_commit.ts";
import { createDevice, generateDeviceKeyPackage } from "./mls_device.ts";
import { MlsGroup } from "./mls_group.ts";

/** Alice's group with Bob's device in it, at epoch 1. */
async function aliceWithBob(): Promise<MlsGroup> {
  const alice = await createDevice("alice", "a1");
  const group = await MlsGroup.create("room1", await generateDeviceKeyPackage(alice));
  const bob = await generateDeviceKeyPackage(await createDevice("bob", "b1"));
  const commit = await group.add([{ userId: "bob", keyPackage: bob.encoded }]);
  group.stage(commit);
  await group.receive(commit.payload);
  return group;
}

Deno.test("membershipCommit() removes who left before it claims anything to add", async () => {
  const group = await aliceWithBob();
  const claims: string[] = [];
  const { commit, noKeys } = await membershipCommit(
    group,
    { remove: ["bob"], removeDevices: [], add: [{ userId: "carol", devices: ["c1"] }] },
    (userId) => {
      claims.push(userId);
      return Promise.resolve([]);
    },
  );
  assert.ok(commit);
  assert.equal(commit.payload.welcome, undefined, "a removal welcomes nobody");
  assert.deepEqual(claims, []);
  assert.deepEqual(noKeys, []);
  group.stage(commit);
  await group.receive(commit.payload);
  assert.deepEqual(group.members, ["alice:a1"]);
});

Deno.test("membershipCommit() adds the devices claimed and reports those with no KeyPackage left", async () => {
  const group = await aliceWithBob();
  const carol = await generateDeviceKeyPackage(await createDevice("carol", "c1"));
  const { commit, noKeys } = await membershipCommit(
    group,
    { remove: [], removeDevices: [], add: [{ userId: "carol", devices: ["c1", "c2"] }] },
    (userId, devices) => {
      assert.deepEqual([userId, devices], ["carol", ["c1", "c2"]]);
      return Promise.resolve([{ userId, deviceId: "c1", keyPackage: carol.encoded }]);
    },
  );
  assert.ok(commit?.payload.welcome);
  assert.deepEqual(noKeys, ["c2"]);
  const joined = await MlsGroup.join(commit.payload, [carol]);
  assert.deepEqual(joined?.group?.members, ["alice:a1", "bob:b1", "carol:c1"]);
});

Deno.test("membershipCommit() makes no commit when no device asked for had a KeyPackage", async () => {
  const group = await aliceWithBob();
  const result = await membershipCommit(
    group,
    { remove: [], removeDevices: [], add: [{ userId: "carol", devices: ["c1"] }] },
    () => Promise.resolve([]),
  );
  assert.deepEqual(result, { noKeys: ["c1"] });
});

Deno.test("membershipCommit() removes a device its user removed, but never this device itself", async () => {
  const group = await aliceWithBob();
  const own = await membershipCommit(
    group,
    { remove: [], removeDevices: ["alice:a1"], add: [] },
    () => Promise.resolve([]),
  );
  assert.deepEqual(own, { noKeys: [] }, "a member cannot remove itself by commit");
  const { commit } = await membershipCommit(
    group,
    { remove: [], removeDevices: ["bob:b1"], add: [] },
    () => Promise.resolve([]),
  );
  assert.ok(commit);
  group.stage(commit);
  await group.receive(commit.payload);
  assert.deepEqual(group.members, ["alice:a1"]);
});
