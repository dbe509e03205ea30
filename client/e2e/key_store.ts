/**
 * The device's end-to-end keys and read state in IndexedDB (database `chat-e2e`, one object
 * store `keys`, values by structured clone, so key bytes stay `Uint8Array`s). Part of the lazy
 * E2E chunk. Keys are per signed-in user: two accounts on one browser profile are two devices.
 *
 * | key                        | value                                              |
 * | -------------------------- | -------------------------------------------------- |
 * | `device/<user>`            | {@linkcode StoredDevice}                           |
 * | `held/<user>`              | unused KeyPackages: `{encoded, privatePackage}[]`  |
 * | `group/<user>/<room>`      | {@linkcode StoredGroup}                            |
 * | `own/<user>/<room>`        | own sent texts by payload `data` (not yet seen)    |
 * | `trust/<user>/<contact>`   | {@linkcode StoredTrust}: the keys last seen/verified |
 *
 * @module
 */
import type { PrivateKeyPackage } from "ts-mls";
import type { E2eShown } from "../e2e_view.ts";

/** The device's identity as kept: its id and Ed25519 key pair (PKCS #8 and raw). */
export interface StoredDevice {
  deviceId: string;
  signKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A KeyPackage published and not used yet: the encoded public part and its private keys. */
export interface StoredKeyPackage {
  encoded: string;
  privatePackage: PrivateKeyPackage;
}

/** One room's group as kept between page loads, with what was read of the room's log. */
export interface StoredGroup {
  /** `MlsGroup.save()`; absent until this device is in the group. */
  group?: { state: Uint8Array; joinedEpoch: bigint };
  /**
   * The group this device started, as it will be once its commit (`data`) is read back from the
   * log: kept so that a reload in between does not lose it.
   */
  starting?: { state: Uint8Array; data: string };
  /**
   * A membership commit this device sent and has not read back yet: the state it leads to,
   * the commit's `data`, the device's first epoch (kept when the state is adopted) and the
   * epoch the commit leads to.
   */
  pending?: { state: Uint8Array; data: string; joinedEpoch: bigint; epoch: bigint };
  /** The last seq read: every entry up to it is in `shown`. */
  cursor: number;
  /** What each entry read as (decrypted texts stay on this device only). */
  shown: [number, E2eShown][];
}

/**
 * What this device knows of a contact's safety number: the device keys (both users') it was
 * computed from when first seen, or when the user last marked it verified or cleared it, and
 * whether they verified it. Keys now different from these mean "safety number changed".
 */
export interface StoredTrust {
  /** `userId:deviceId:base64 signature key` of every device, sorted. */
  keys: string[];
  verified: boolean;
}

const DATABASE = "chat-e2e";
const STORE = "keys";

/** A small key-value store over one IndexedDB object store. */
export class KeyStore {
  readonly #db: Promise<IDBDatabase>;

  constructor() {
    this.#db = new Promise((resolve, reject) => {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  /** The value under `key`, or undefined. */
  async get<T>(key: string): Promise<T | undefined> {
    const db = await this.#db;
    return await done<T | undefined>(db.transaction(STORE).objectStore(STORE).get(key));
  }

  /** Writes `value` under `key`; resolves once the write is committed. */
  async put(key: string, value: unknown): Promise<void> {
    const db = await this.#db;
    const transaction = db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(value, key);
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }
}

function done<T>(request: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error);
  });
}
