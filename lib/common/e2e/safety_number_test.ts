import assert from "node:assert/strict";
import { type DeviceKey, safetyNumber, type UserKeys } from "./safety_number.ts";

function key(seed: number): Uint8Array {
  return new Uint8Array(32).map((_, i) => (seed * 31 + i) & 0xff);
}

const phone: DeviceKey = { deviceId: "alicephone", signatureKey: key(1) };
const laptop: DeviceKey = { deviceId: "alicelaptop", signatureKey: key(2) };
const bobs: DeviceKey = { deviceId: "bobphone1", signatureKey: key(3) };
const alice: UserKeys = { userId: "alice-id", devices: [phone, laptop] };
const bob: UserKeys = { userId: "bob-id", devices: [bobs] };

Deno.test("safetyNumber() is 60 digits in 12 groups of 5, with one emoji per group", () => {
  const number = safetyNumber(alice, bob);
  assert.equal(number.groups.length, 12);
  for (const group of number.groups) assert.match(group, /^\d{5}$/);
  assert.equal(number.emoji.length, 12);
  for (const emoji of number.emoji) assert.ok(emoji.length > 0);
});

Deno.test("safetyNumber() is the same whichever user computes it", () => {
  assert.deepEqual(safetyNumber(alice, bob), safetyNumber(bob, alice));
});

Deno.test("safetyNumber() is stable for the same keys, in any device order", () => {
  const again = safetyNumber({ userId: "alice-id", devices: [laptop, phone] }, {
    userId: "bob-id",
    devices: [{ deviceId: "bobphone1", signatureKey: key(3) }],
  });
  assert.deepEqual(again, safetyNumber(alice, bob));
});

Deno.test("safetyNumber() does not depend on the order of one device id listed with two keys", () => {
  const twice = (first: Uint8Array, second: Uint8Array): UserKeys => ({
    userId: "bob-id",
    devices: [{ deviceId: "bobphone1", signatureKey: first }, {
      deviceId: "bobphone1",
      signatureKey: second,
    }],
  });
  assert.deepEqual(
    safetyNumber(alice, twice(key(3), key(9))),
    safetyNumber(twice(key(9), key(3)), alice),
  );
});

Deno.test("safetyNumber() changes when any device key changes, or a device comes or goes", () => {
  const before = safetyNumber(alice, bob).groups.join("");
  const variants: [UserKeys, UserKeys][] = [
    // Bob's key changed (say, a device the server made in his name).
    [alice, { userId: "bob-id", devices: [{ deviceId: "bobphone1", signatureKey: key(4) }] }],
    // Bob has a new device.
    [alice, { userId: "bob-id", devices: [bobs, { deviceId: "bobtab", signatureKey: key(5) }] }],
    // Alice lost one.
    [{ userId: "alice-id", devices: [phone] }, bob],
    // The same key under another device id, or for another user.
    [{ userId: "alice-id", devices: [phone, { ...laptop, deviceId: "other" }] }, bob],
    [alice, { userId: "carol-id", devices: [bobs] }],
  ];
  const seen = new Set([before]);
  for (const [a, b] of variants) {
    const after = safetyNumber(a, b).groups.join("");
    assert.ok(!seen.has(after), "each change gives a number not seen before");
    seen.add(after);
  }
});

Deno.test("safetyNumber() refuses a user with no device", () => {
  assert.throws(() => safetyNumber(alice, { userId: "bob-id", devices: [] }), /no device/);
});
