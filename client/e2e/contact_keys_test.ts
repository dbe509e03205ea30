import assert from "node:assert/strict";
import { bytesToBase64 } from "../../lib/common/e2e/mls_bytes.ts";
import {
  contactKeys,
  deviceStates,
  firstSeen,
  keyText,
  numberOf,
  pairLeaves,
  trustState,
} from "./contact_keys.ts";

const aliceKey = new Uint8Array(32).fill(1);
const bobKey = new Uint8Array(32).fill(2);
const members = [
  { identity: "alice:phone0001", signatureKey: aliceKey },
  { identity: "bob:laptop001", signatureKey: bobKey },
];
const directory = new Map([
  ["alice", [{ deviceId: "phone0001", signatureKey: bytesToBase64(aliceKey) }]],
  ["bob", [{ deviceId: "laptop001", signatureKey: bytesToBase64(bobKey) }]],
]);

Deno.test("contactKeys() lists a device in both the group and the directory once", () => {
  const keys = contactKeys(members, directory);
  assert.deepEqual(keys.map((key) => `${key.userId}:${key.deviceId}`), [
    "alice:phone0001",
    "bob:laptop001",
  ]);
});

Deno.test("contactKeys() adds a directory device missing from the group, and a leaf missing from the directory", () => {
  const newDevice = { deviceId: "tablet01", signatureKey: bytesToBase64(new Uint8Array(32)) };
  const withNew = new Map(directory).set("bob", [...directory.get("bob")!, newDevice]);
  assert.equal(contactKeys(members, withNew).length, 3);
  const slipped = [...members, { identity: "mallory:evil0001", signatureKey: bobKey }];
  assert.deepEqual(contactKeys(slipped, directory).map((key) => key.userId), [
    "alice",
    "bob",
    "mallory",
  ]);
});

Deno.test("numberOf() gives both users the same number, and another once a device is slipped in", () => {
  const keys = contactKeys(members, directory);
  assert.deepEqual(numberOf("alice", "bob", keys), numberOf("bob", "alice", keys));
  const slipped = contactKeys([...members, {
    identity: "bob:server01",
    signatureKey: new Uint8Array(32).fill(7),
  }], directory);
  assert.notDeepEqual(numberOf("alice", "bob", slipped), numberOf("alice", "bob", keys));
});

Deno.test("trustState() is unverified at first, verified as marked, changed once the keys differ", () => {
  const keys = contactKeys(members, directory).map(keyText);
  assert.equal(trustState(undefined, keys), "unverified");
  assert.equal(trustState({ keys, verified: false }, keys), "unverified");
  assert.equal(trustState({ keys, verified: true }, keys), "verified");
  assert.equal(trustState({ keys: keys.slice(1), verified: true }, keys), "changed");
  assert.equal(trustState({ keys: keys.slice(1), verified: false }, keys), "changed");
});

Deno.test("pairLeaves() keeps a group's leaves of the two users only, so the number is the secret chat's", () => {
  const group = [...members, { identity: "carol:desk0001", signatureKey: new Uint8Array(32) }];
  const pair = pairLeaves(group, "alice", "bob");
  assert.deepEqual(pair.map((leaf) => leaf.identity), ["alice:phone0001", "bob:laptop001"]);
  assert.deepEqual(
    numberOf("alice", "bob", contactKeys(pair, directory)),
    numberOf("alice", "bob", contactKeys(members, directory)),
  );
});

Deno.test("deviceStates() marks the peer's devices verified as the record is, and a device not in it new", () => {
  const keys = contactKeys(members, directory);
  const trust = { keys: keys.map(keyText), verified: true };
  assert.deepEqual(deviceStates(trust, keys, "bob"), [
    { deviceId: "laptop001", state: "verified" },
  ]);
  assert.deepEqual(deviceStates({ ...trust, verified: false }, keys, "bob"), [
    { deviceId: "laptop001", state: "unverified" },
  ]);
  const tablet = { deviceId: "tablet01", signatureKey: bytesToBase64(new Uint8Array(32)) };
  const more = contactKeys(
    members,
    new Map(directory).set("bob", [...directory.get("bob")!, tablet]),
  );
  assert.deepEqual(deviceStates(trust, more, "bob"), [
    { deviceId: "laptop001", state: "verified" },
    { deviceId: "tablet01", state: "new" },
  ]);
});

Deno.test("firstSeen() keeps the first keys, and takes a contact's first device as first use, not a change", () => {
  const keys = contactKeys(members, directory);
  const first = firstSeen(undefined, keys, "bob");
  assert.deepEqual(first, { keys: keys.map(keyText), verified: false });
  assert.equal(firstSeen(first, keys, "bob"), undefined, "a record naming bob's device stands");
  // Alice's device looked before Bob had any device: its record holds her key alone.
  const aliceOnly = firstSeen(undefined, contactKeys(members.slice(0, 1), new Map()), "bob")!;
  assert.deepEqual(firstSeen(aliceOnly, keys, "bob"), first);
  assert.equal(trustState(firstSeen(aliceOnly, keys, "bob"), keys.map(keyText)), "unverified");
  // A number the user verified stands: any device since is a change to show.
  assert.equal(firstSeen({ ...aliceOnly, verified: true }, keys, "bob"), undefined);
});
