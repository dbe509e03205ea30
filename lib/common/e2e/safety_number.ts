/**
 * The safety number of two users in an end-to-end encrypted conversation: 60 digits (12 groups
 * of 5) and 12 emoji that both compare in person or over a call. It is computed from every
 * device signature key of both users, so a device someone slipped into the conversation (or a
 * changed key) changes it. Browser-safe (part of the lazy E2E chunk).
 *
 * Like Signal's numeric fingerprint (version 0): each user's half is 30 digits of an iterated
 * SHA-512 over the user's id and keys; the two halves are put in sorted order, so both users
 * see the same number. Where Signal hashes one identity key, this hashes the user's device
 * keys, sorted by device id, each with its id, so the number names the whole device set.
 *
 * @module
 */
import { sha512 } from "@noble/hashes/sha2.js";

/** One device of a user: its id and its Ed25519 signature public key (raw bytes). */
export interface DeviceKey {
  deviceId: string;
  signatureKey: Uint8Array;
}

/** A user and every device of theirs that the number covers. */
export interface UserKeys {
  userId: string;
  devices: readonly DeviceKey[];
}

/** A safety number as shown: the digits in groups, and the same number as emoji. */
export interface SafetyNumber {
  /** 12 groups of 5 digits (60 digits). */
  groups: string[];
  /** 12 emoji, one per group of digits. */
  emoji: string[];
}

/**
 * SHA-512 rounds per half, as Signal: a brute-force search for a key set with a chosen number
 * costs that many times more. Measured: about 0.3 s for both halves on a loaded 2-core box.
 */
const ITERATIONS = 5200;
const VERSION = new Uint8Array([0, 0]);
const DIGITS_PER_HALF = 30;

/**
 * The 64 emoji of Matrix's short authentication strings (easy to tell apart and to name
 * aloud); group `n` of the digits shows `EMOJI[n % 64]`.
 */
const EMOJI = [
  ..."🐶🐱🦁🐎🦄🐷🐘🐰🐼🐓🐧🐢🐟🐙🦋🌷🌳🌵🍄🌏🌙☁🔥🍌🍎🍓🌽🍕🎂❤😀🤖🎩👓🔧🎅👍☂⌛⏰🎁💡📕✏📎✂🔒🔑🔨☎🏁🚂🚲✈🚀🏆⚽🎸🎺🔔⚓🎧📁📌",
];

/**
 * The safety number of users `a` and `b`: the same whichever is `a`, unchanged while their
 * device keys stay the same, different when any device is added, removed or changes its key.
 *
 * @example
 * ```ts
 * const number = safetyNumber(
 *   { userId: "alice", devices: [{ deviceId: "d1", signatureKey: aliceKey }] },
 *   { userId: "bob", devices: [{ deviceId: "d2", signatureKey: bobKey }] },
 * );
 * number.groups.join(" "); // "12345 67890 …" (12 groups)
 * ```
 *
 * @param a One user with their devices.
 * @param b The other user with theirs.
 * @returns The digits in 12 groups of 5, and 12 emoji.
 * @throws {Error} When a user has no device (there is nothing to vouch for).
 */
export function safetyNumber(a: UserKeys, b: UserKeys): SafetyNumber {
  const halves = [half(a), half(b)].sort();
  const digits = halves.join("");
  const groups = digits.match(/\d{5}/g) ?? [];
  return { groups, emoji: groups.map((group) => EMOJI[Number(group) % EMOJI.length]!) };
}

/** The 30 digits of one user's keys. */
function half(user: UserKeys): string {
  if (user.devices.length === 0) throw new Error(`${user.userId} has no device to vouch for`);
  const keys = keyBytes(user.devices);
  let hash = sha512(concat(VERSION, keys, utf8(user.userId)));
  for (let i = 0; i < ITERATIONS; i++) hash = sha512(concat(hash, keys));
  let digits = "";
  for (let at = 0; digits.length < DIGITS_PER_HALF; at += 5) {
    // Five bytes as one 40-bit number, as Signal: 5 digits from each (mod 100000).
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + hash[at + i]!;
    digits += String(value % 100_000).padStart(5, "0");
  }
  return digits;
}

/** The devices sorted by id, each as its length-prefixed id and key. */
function keyBytes(devices: readonly DeviceKey[]): Uint8Array {
  // By id, then by key: one id listed with two keys (the group and the directory disagree)
  // must give the same bytes on both sides.
  const sorted = [...devices].sort((x, y) =>
    x.deviceId === y.deviceId
      ? compareBytes(x.signatureKey, y.signatureKey)
      : x.deviceId < y.deviceId
      ? -1
      : 1
  );
  return concat(
    ...sorted.flatMap(({ deviceId, signatureKey }) => [
      lengthOf(utf8(deviceId)),
      utf8(deviceId),
      lengthOf(signatureKey),
      signatureKey,
    ]),
  );
}

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

function lengthOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([bytes.length >> 8, bytes.length & 0xff]);
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
