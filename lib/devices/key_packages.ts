/**
 * The delivery service's key directory for end-to-end encryption: each user's devices and a few
 * one-time MLS KeyPackages per device, uploaded and refilled by the device, each handed out
 * once. Only public material is stored; the private keys never leave the device.
 *
 * An upload is checked in shape: each KeyPackage must decode as one of this app's ciphersuite
 * whose credential names the uploading user and device (`userId:deviceId`), so no one can
 * publish a KeyPackage in another user's name. Its signature is checked by the device that uses
 * it (ts-mls verifies a KeyPackage when a commit adds it).
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { decodeKeyPackage, deviceIdentity } from "../common/e2e/mls_device.ts";
import { bytesToBase64 } from "../common/e2e/mls_bytes.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { deleteAll } from "../files/blob_chunks.ts";
import type { WindowCounter } from "../limits/window_counter.ts";
import { membersOfRoom, readMembership } from "../rooms/memberships.ts";
import { ACCOUNT_GONE, accountsLive, checkAccountLive } from "../accounts/accounts.ts";

/** Unused KeyPackages a device may have stored; an upload past it is refused. */
export const MAX_KEY_PACKAGES_PER_DEVICE = 10;
/** Devices with keys per user. */
export const MAX_DEVICES_PER_USER = 10;
/** Longest KeyPackage accepted, in base64 characters (a real one is about 440). */
export const MAX_KEY_PACKAGE_CHARS = 2048;
/** Uploads per user per hour: a refill of a few KeyPackages after each use is far below it. */
export const KEY_UPLOADS_PER_HOUR = 60;
/** Claims per user per hour: each starts a secret chat or adds someone to one. */
export const KEY_CLAIMS_PER_HOUR = 120;

const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A device as stored under `keys.e2eDevice`. */
export interface DeviceRecord {
  createdAt: number;
  /**
   * The device's Ed25519 signature public key (base64), the one its KeyPackages carry: fixed
   * at the first upload that names it (records from before it was kept get it at the next).
   */
  signatureKey?: string;
}

/** A device as listed for others: its id and signature public key (base64). */
export interface ListedDevice {
  deviceId: string;
  signatureKey: string;
}

/** A KeyPackage handed out by a claim: whose device it is, and the package (base64). */
export interface ClaimedKeyPackage {
  userId: string;
  deviceId: string;
  keyPackage: string;
}

const BAD_KEY_PACKAGE: Refusal = refusal(400, "refusal.badKeyPackage");
const NO_KEYS: Refusal = refusal(404, "refusal.noKeysForUser");
const BAD_DEVICE: Refusal = refusal(400, "refusal.badDeviceId");
const REMOVED: Refusal = refusal(409, "refusal.deviceRemoved");

/** Stores devices and their KeyPackages, and hands the KeyPackages out. */
export class KeyPackages {
  #kv: Deno.Kv;
  #clock: Clock;
  #windows: WindowCounter;

  /** Stores in `kv`; `windows` counts uploads and claims in windows of one hour. */
  constructor(kv: Deno.Kv, clock: Clock, windows: WindowCounter) {
    this.#kv = kv;
    this.#clock = clock;
    this.#windows = windows;
  }

  /**
   * Stores `packages` for device `deviceId` of `userId`, registering the device on its first
   * upload. Refused, storing nothing, when any package is malformed or names another
   * identity, when the device would hold more than {@linkcode MAX_KEY_PACKAGES_PER_DEVICE}, when
   * the user has {@linkcode MAX_DEVICES_PER_USER} other devices, when the device was removed
   * ({@linkcode KeyPackages.removeDevice}: for good), or over the hourly rate.
   */
  async upload(
    userId: string,
    deviceId: string,
    packages: readonly string[],
  ): Promise<Outcome<{ stored: number }>> {
    if (!DEVICE_ID.test(deviceId) || packages.length === 0) return BAD_KEY_PACKAGE;
    if (packages.length > MAX_KEY_PACKAGES_PER_DEVICE) return tooManyPackages();
    const identity = deviceIdentity(userId, deviceId);
    const signatureKeys = new Set<string>();
    for (const encoded of packages) {
      if (encoded.length > MAX_KEY_PACKAGE_CHARS) return BAD_KEY_PACKAGE;
      const decoded = decodeKeyPackage(encoded);
      if (decoded?.identity !== identity) return BAD_KEY_PACKAGE;
      signatureKeys.add(bytesToBase64(decoded.keyPackage.leafNode.signaturePublicKey));
    }
    // One device, one signature key: it is what the contacts' safety numbers vouch for.
    if (signatureKeys.size !== 1) return BAD_KEY_PACKAGE;
    const [signatureKey] = signatureKeys;
    const wait = await this.#windows.blockedFor(keys.e2eUploads(userId), KEY_UPLOADS_PER_HOUR);
    if (wait > 0) return { ...refusal(429, "refusal.keyRequestsTooFast"), retryAfterSeconds: wait };
    await this.#windows.add(keys.e2eUploads(userId), userId);
    return await transact<Outcome<{ stored: number }>>("upload key packages", async () => {
      const [device, removed, account] = await this.#kv.getMany<
        [DeviceRecord, { at: number }, unknown]
      >([
        keys.e2eDevice(userId, deviceId),
        keys.e2eRemovedDevice(userId, deviceId),
        keys.user(userId),
      ]);
      if (removed.versionstamp !== null) return REMOVED;
      // Not once the account's deletion began: it takes the devices out of the directory after
      // its mark, and a device published later would be added to groups again.
      if (!accountsLive([account])) return ACCOUNT_GONE;
      const known = device.value?.signatureKey;
      if (known !== undefined && known !== signatureKey) return BAD_KEY_PACKAGE;
      if (!device.value) {
        const devices = await this.devices(userId);
        if (devices.length >= MAX_DEVICES_PER_USER) {
          return refusal(409, "refusal.tooManyDevices", { max: MAX_DEVICES_PER_USER });
        }
      }
      const held = await this.#held(userId, deviceId);
      if (held.length + packages.length > MAX_KEY_PACKAGES_PER_DEVICE) return tooManyPackages();
      const atomic = checkAccountLive(this.#kv.atomic(), account).check(device, removed);
      // Checking every held package makes two uploads at once count each other's.
      for (const entry of held) atomic.check(entry);
      if (known === undefined) {
        const createdAt = device.value?.createdAt ?? this.#clock.now();
        atomic.set(keys.e2eDevice(userId, deviceId), { createdAt, signatureKey });
      }
      for (const data of packages) {
        atomic.set(keys.e2eKeyPackage(userId, deviceId, newId()), { data });
      }
      return commit(atomic, () => ({ ok: true as const, stored: held.length + packages.length }));
    });
  }

  /**
   * Forgets device `deviceId` of `userId`: its unused KeyPackages and its place in the user's
   * device list, so no one can claim a KeyPackage of it or add it to a group any more (a device
   * whose keys were removed at logout), and the groups it is in remove it (their devices follow
   * the directory, `membership_plan.ts`). The id is kept as removed: it cannot publish again
   * (a device that logs in anew makes a new id). Refused for a malformed id; true when there
   * was something to delete, false when the device had nothing stored.
   */
  async removeDevice(userId: string, deviceId: string): Promise<Outcome<{ removed: boolean }>> {
    if (!DEVICE_ID.test(deviceId)) return BAD_DEVICE;
    return await transact<Outcome<{ removed: boolean }>>("remove device", async () => {
      const device = await this.#kv.get<DeviceRecord>(keys.e2eDevice(userId, deviceId));
      const held = await this.#held(userId, deviceId);
      const atomic = this.#kv.atomic().check(device);
      for (const entry of held) atomic.check(entry).delete(entry.key);
      atomic.delete(device.key);
      const removed = device.versionstamp !== null || held.length > 0;
      // Only a device that existed is kept as removed: ids that never were cost no storage.
      if (removed) atomic.set(keys.e2eRemovedDevice(userId, deviceId), { at: this.#clock.now() });
      return commit(atomic, () => ({ ok: true as const, removed }));
    });
  }

  /**
   * Forgets everything the directory holds of `userId`, whose account is being deleted: every
   * device and its unused KeyPackages (no one can claim one or add the device to a group any
   * more, and the groups it is in remove it, as for a removed device), the ids kept as removed,
   * and the hourly counts of uploads, claims and add requests. Add requests themselves are not
   * stored (they are relayed live), so none is left pending. Run it again after a crash: it
   * deletes whatever is left.
   */
  async forgetUser(userId: string): Promise<void> {
    // KeyPackages first: a device listed without any is still removed by the groups' checks.
    await deleteAll(this.#kv, keys.e2eUserKeyPackages(userId));
    await deleteAll(this.#kv, keys.e2eDevices(userId));
    await deleteAll(this.#kv, keys.e2eRemovedDevices(userId));
    await commitAtomic(
      this.#kv.atomic().delete(keys.e2eUploads(userId)).delete(keys.e2eClaims(userId))
        .delete(keys.e2eAddAsks(userId)),
    );
  }

  /** The ids of a user's devices with keys, oldest id first. */
  async devices(userId: string): Promise<string[]> {
    const found: string[] = [];
    for await (const entry of this.#kv.list({ prefix: keys.e2eDevices(userId) })) {
      found.push(decode.e2eDevice(entry.key));
    }
    return found;
  }

  /**
   * The devices of `targetId` with their signature keys, for `callerId` to check a safety
   * number against (devices whose key is not known yet are left out). Allowed, like
   * {@linkcode KeyPackages.claim}, for the user themself, a friend, or a fellow member of
   * `room`; refused with the same 404 as a user with no device otherwise.
   */
  async listDevices(
    callerId: string,
    targetId: string,
    room?: string,
  ): Promise<Outcome<{ devices: ListedDevice[] }>> {
    if (!await this.#mayClaim(callerId, targetId, room)) return NO_KEYS;
    return { ok: true, devices: (await this.#listed(targetId)).keys };
  }

  /** A user's device ids (oldest id first) and those of them whose key is known, with it. */
  async #listed(userId: string): Promise<{ devices: string[]; keys: ListedDevice[] }> {
    const devices: string[] = [];
    const listed: ListedDevice[] = [];
    for await (const entry of this.#kv.list<DeviceRecord>({ prefix: keys.e2eDevices(userId) })) {
      const deviceId = decode.e2eDevice(entry.key);
      devices.push(deviceId);
      const { signatureKey } = entry.value;
      if (signatureKey) listed.push({ deviceId, signatureKey });
    }
    return { devices, keys: listed };
  }

  /**
   * The members of `roomId` with the ids of their devices that have keys, for a member of it
   * (`callerId`): what a member's device compares with the room's MLS group to follow joins,
   * leaves and new devices; and, in `keys`, those devices' signature keys, which the member's
   * device checks each member's safety number against (one read for the whole group).
   * Undefined (one answer for "no such room" and "not a member") when the caller is not a
   * member.
   */
  async roomDevices(
    callerId: string,
    roomId: string,
  ): Promise<{ userId: string; devices: string[]; keys: ListedDevice[] }[] | undefined> {
    if (await readMembership(this.#kv, roomId, callerId) === null) return undefined;
    const members = await membersOfRoom(this.#kv, roomId);
    return await Promise.all(
      members.map(async ({ userId }) => ({ userId, ...await this.#listed(userId) })),
    );
  }

  /** How many unused KeyPackages a device has stored: the device refills below a few. */
  async count(userId: string, deviceId: string): Promise<number> {
    return (await this.#held(userId, deviceId)).length;
  }

  /**
   * Hands out one KeyPackage of each device of `targetId` (each deleted as it is handed out),
   * skipping `exceptDevice` (the claimer's own device, when it adds its user's others) and,
   * with `devices`, every device not listed (a new device of a user already in the group).
   * Allowed for the user themself, a friend, or a fellow member of `room`. Devices with no
   * KeyPackage left are skipped; refused when none had one.
   */
  async claim(
    callerId: string,
    targetId: string,
    options: { room?: string; exceptDevice?: string; devices?: readonly string[] } = {},
  ): Promise<Outcome<{ keyPackages: ClaimedKeyPackage[] }>> {
    if (!await this.#mayClaim(callerId, targetId, options.room)) return NO_KEYS;
    const wait = await this.#windows.blockedFor(keys.e2eClaims(callerId), KEY_CLAIMS_PER_HOUR);
    if (wait > 0) return { ...refusal(429, "refusal.keyRequestsTooFast"), retryAfterSeconds: wait };
    await this.#windows.add(keys.e2eClaims(callerId), callerId);
    const keyPackages: ClaimedKeyPackage[] = [];
    for (const deviceId of await this.devices(targetId)) {
      if (deviceId === options.exceptDevice) continue;
      if (options.devices && !options.devices.includes(deviceId)) continue;
      const keyPackage = await this.#takeOne(targetId, deviceId);
      if (keyPackage) keyPackages.push({ userId: targetId, deviceId, keyPackage });
    }
    return keyPackages.length > 0 ? { ok: true, keyPackages } : NO_KEYS;
  }

  /** Deletes and returns one KeyPackage of a device; undefined when it has none left. */
  async #takeOne(userId: string, deviceId: string): Promise<string | undefined> {
    return await transact("claim key package", async () => {
      const [first] = await this.#held(userId, deviceId, 1);
      if (!first) return undefined;
      const atomic = this.#kv.atomic().check(first).delete(first.key);
      return commit(atomic, () => first.value.data);
    });
  }

  async #held(
    userId: string,
    deviceId: string,
    limit?: number,
  ): Promise<Deno.KvEntry<{ data: string }>[]> {
    const found: Deno.KvEntry<{ data: string }>[] = [];
    const prefix = keys.e2eKeyPackages(userId, deviceId);
    for await (const entry of this.#kv.list<{ data: string }>({ prefix }, { limit })) {
      found.push(entry);
    }
    return found;
  }

  /** Self, a friend, or both members of `room`. The same answer for every "no". */
  async #mayClaim(callerId: string, targetId: string, room: string | undefined): Promise<boolean> {
    if (callerId === targetId) return true;
    if ((await this.#kv.get(keys.friend(callerId, targetId))).versionstamp !== null) return true;
    if (room === undefined) return false;
    const [mine, theirs] = await Promise.all([
      readMembership(this.#kv, room, callerId),
      readMembership(this.#kv, room, targetId),
    ]);
    return mine !== null && theirs !== null;
  }
}

function tooManyPackages(): Refusal {
  return refusal(409, "refusal.tooManyKeyPackages", { max: MAX_KEY_PACKAGES_PER_DEVICE });
}
