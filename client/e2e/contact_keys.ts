/**
 * The device keys a two-person secret chat's safety number covers, and what they mean against
 * what this device saw or verified before. Pure functions; part of the lazy E2E chunk.
 *
 * The keys are those of the MLS group's leaves (what every message is really signed with)
 * together with the key directory's device lists of both users: a device the server slipped
 * into the group changes the number, and so does a device the directory lists that is not in
 * the group yet (a contact's new device).
 *
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "../../lib/common/e2e/mls_bytes.ts";
import { parseDeviceIdentity } from "../../lib/common/e2e/mls_device.ts";
import { type SafetyNumber, safetyNumber } from "../../lib/common/e2e/safety_number.ts";
import type { E2eDeviceTrust, E2eVerification } from "../e2e_view.ts";
import type { StoredTrust } from "./key_store.ts";

/** A device as `GET /api/e2e/users/:user/devices` lists it. */
export interface ListedDevice {
  deviceId: string;
  /** Ed25519 public key, base64. */
  signatureKey: string;
}

/** One device key seen: whose, which device, and the key (base64). */
export interface SeenKey {
  userId: string;
  deviceId: string;
  signatureKey: string;
}

/**
 * Every device key of the conversation: the group's leaves (whoever they name) and the
 * directory's devices of each user listed, once each, sorted.
 */
export function contactKeys(
  members: readonly { identity: string; signatureKey: Uint8Array }[],
  directory: ReadonlyMap<string, readonly ListedDevice[]>,
): SeenKey[] {
  const seen = new Map<string, SeenKey>();
  const add = (key: SeenKey) => seen.set(keyText(key), key);
  for (const { identity, signatureKey } of members) {
    const named = parseDeviceIdentity(identity) ?? { userId: identity, deviceId: "" };
    add({ ...named, signatureKey: bytesToBase64(signatureKey) });
  }
  for (const [userId, devices] of directory) {
    for (const { deviceId, signatureKey } of devices) add({ userId, deviceId, signatureKey });
  }
  return [...seen.values()].sort((a, b) => keyText(a) < keyText(b) ? -1 : 1);
}

/**
 * The leaves of a group that belong to `me` or `peer`: what one member's safety number covers
 * in an encrypted group (in a secret chat every leaf counts, see {@linkcode contactKeys}). The
 * keys are the same as in a secret chat of the two, so the number and its mark are too.
 */
export function pairLeaves<T extends { identity: string }>(
  members: readonly T[],
  me: string,
  peer: string,
): T[] {
  return members.filter(({ identity }) => {
    const userId = parseDeviceIdentity(identity)?.userId;
    return userId === me || userId === peer;
  });
}

/**
 * Each device of `peer` among `keys`, against `trust`: `new` when its key is not among the
 * keys last seen or verified, else `verified` or `unverified` as the record is marked.
 */
export function deviceStates(
  trust: StoredTrust,
  keys: readonly SeenKey[],
  peer: string,
): E2eDeviceTrust[] {
  const known = new Set(trust.keys);
  return keys.filter((key) => key.userId === peer).map((key) => ({
    deviceId: key.deviceId,
    state: !known.has(keyText(key)) ? "new" : trust.verified ? "verified" : "unverified",
  }));
}

/** A key as the trust record keeps it: `userId:deviceId:key`. */
export function keyText(key: SeenKey): string {
  return `${key.userId}:${key.deviceId}:${key.signatureKey}`;
}

/**
 * The safety number of `me` and `peer` over `keys`: `me`'s devices are one half, every other
 * key (the peer's, or a device naming anyone else) the other.
 */
export function numberOf(me: string, peer: string, keys: readonly SeenKey[]): SafetyNumber {
  const device = (key: SeenKey) => ({
    // The user id in the device id: a leaf naming a third user still counts, as itself.
    deviceId: `${key.userId}:${key.deviceId}`,
    signatureKey: base64ToBytes(key.signatureKey) ?? new TextEncoder().encode(key.signatureKey),
  });
  const mine = keys.filter((key) => key.userId === me);
  const theirs = keys.filter((key) => key.userId !== me);
  return safetyNumber(
    { userId: me, devices: mine.map(device) },
    { userId: peer, devices: theirs.map(device) },
  );
}

/**
 * The record to keep after a check that found `keys`, when it replaces `trust`: the keys as
 * first seen when there is no record yet, or when the record holds no device of `peer` and was
 * not verified (the contact had no device with keys when this device first looked, say a secret
 * chat started before they ever opened one: their first device is first use, not a change).
 * Undefined when `trust` stands.
 */
export function firstSeen(
  trust: StoredTrust | undefined,
  keys: readonly SeenKey[],
  peer: string,
): StoredTrust | undefined {
  const peerKnown = trust?.keys.some((key) => key.startsWith(`${peer}:`));
  if (trust && (trust.verified || peerKnown)) return undefined;
  return { keys: keys.map(keyText), verified: false };
}

/**
 * What `keys` (as {@linkcode keyText}s, sorted) mean against `trust`: `changed` when they differ
 * from the keys last seen or verified, else `verified` or `unverified` as marked.
 */
export function trustState(
  trust: StoredTrust | undefined,
  keys: readonly string[],
): E2eVerification["state"] {
  if (!trust) return "unverified";
  const same = trust.keys.length === keys.length && trust.keys.every((key, i) => key === keys[i]);
  if (!same) return "changed";
  return trust.verified ? "verified" : "unverified";
}
