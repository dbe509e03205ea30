import assert from "node:assert/strict";
import { committerRank, isSettled, planMembership, staleLeaf } from "./membership_plan.ts";

const group = ["alice:a1", "bob:b1", "bob:b2", "carol:c1"];

Deno.test("planMembership() is settled when the group holds every member's devices", () => {
  const change = planMembership(group, [
    { userId: "alice", devices: ["a1"] },
    { userId: "bob", devices: ["b1", "b2"] },
    { userId: "carol", devices: ["c1"] },
  ]);
  assert.ok(isSettled(change));
});

Deno.test("planMembership() removes users who left the room and adds new members' devices", () => {
  const change = planMembership(group, [
    { userId: "alice", devices: ["a1"] },
    { userId: "bob", devices: ["b1", "b2"] },
    { userId: "dave", devices: ["d1", "d2"] },
  ]);
  assert.deepEqual(change, {
    remove: ["carol"],
    removeDevices: [],
    add: [{ userId: "dave", devices: ["d1", "d2"] }],
  });
});

Deno.test("planMembership() adds a member's new device and leaves out skipped ones", () => {
  const room = [
    { userId: "alice", devices: ["a1", "a2", "a3"] },
    { userId: "bob", devices: ["b1", "b2"] },
    { userId: "carol", devices: ["c1"] },
  ];
  assert.deepEqual(planMembership(group, room, new Set(["a3"])).add, [
    { userId: "alice", devices: ["a2"] },
  ]);
});

Deno.test("committerRank() puts the devices of the user gaining a device first, then leaf order", () => {
  const change = { remove: [], removeDevices: [], add: [{ userId: "bob", devices: ["b3"] }] };
  assert.deepEqual(
    group.map((identity) => committerRank(group, identity, change)),
    [2, 0, 1, 3],
  );
});

Deno.test("committerRank() never picks a device of a user being removed", () => {
  const change = { remove: ["alice"], removeDevices: [], add: [] };
  assert.equal(committerRank(group, "alice:a1", change), undefined);
  assert.equal(committerRank(group, "bob:b1", change), 0);
  assert.equal(committerRank(group, "dave:d1", change), undefined, "not in the group");
});

Deno.test("planMembership() adds again a device in the group that asked to rejoin", () => {
  const room = [
    { userId: "alice", devices: ["a1"] },
    { userId: "bob", devices: ["b1", "b2"] },
    { userId: "carol", devices: ["c1"] },
  ];
  assert.deepEqual(planMembership(group, room, new Set(), new Set(["bob:b2"])), {
    remove: [],
    removeDevices: [],
    add: [{ userId: "bob", devices: ["b2"] }],
  });
});

Deno.test("committerRank() never picks the device being added again", () => {
  const change = { remove: [], removeDevices: [], add: [{ userId: "bob", devices: ["b1"] }] };
  assert.equal(committerRank(group, "bob:b1", change), undefined);
  assert.equal(committerRank(group, "bob:b2", change), 0, "Bob's other device first");
  assert.equal(committerRank(group, "alice:a1", change), 1);
});

Deno.test("planMembership() removes a device the directory no longer lists, and that device never commits", () => {
  const room = [
    { userId: "alice", devices: ["a1"] },
    { userId: "bob", devices: ["b1"] },
    { userId: "carol", devices: ["c1"] },
  ];
  const change = planMembership(group, room);
  assert.deepEqual(change, { remove: [], removeDevices: ["bob:b2"], add: [] });
  assert.equal(isSettled(change), false);
  assert.equal(committerRank(group, "bob:b2", change), undefined);
  assert.equal(committerRank(group, "bob:b1", change), 1);
});

Deno.test("staleLeaf() re-adds a device that fell behind while its named leaf is still its own", () => {
  assert.equal(staleLeaf(5n, "leafA", { leaf: "leafA" }), "leafA");
  assert.equal(staleLeaf(5n, "leafB", { leaf: "leafA" }), undefined, "already re-added");
  assert.equal(staleLeaf(5n, undefined, { leaf: "leafA" }), undefined, "no longer in the group");
});

Deno.test("staleLeaf() re-adds a device that read up to the group's epoch and is still not in it", () => {
  // The device was added at epoch 5 but could not read the Welcome: its leaf is of no use.
  assert.equal(staleLeaf(5n, "leafA", { epoch: 5n }), "leafA");
  // It has not read the latest commit yet (which may be the one adding it): wait for it.
  assert.equal(staleLeaf(6n, "leafA", { epoch: 5n }), undefined);
  // Not in the group at all: the plan adds it as a new device, nothing to replace.
  assert.equal(staleLeaf(5n, undefined, { epoch: 5n }), undefined);
  assert.equal(staleLeaf(5n, "leafA", {}), undefined, "a bare request only prompts a check");
});
