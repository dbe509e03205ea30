import assert from "node:assert/strict";
import { bytesToBase64 } from "../../lib/common/e2e/mls_bytes.ts";
import { contactKeys, keyText, numberOf, trustState } from "./contact_keys.ts";

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
