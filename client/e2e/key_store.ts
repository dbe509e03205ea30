/**
 * The device's end-to-end keys and read state in IndexedDB (database `chat-e2e`, one object
 * store `keys`, values by structured clone, so key bytes stay `Uint8Array`s). Part of the lazy
 * E2E chunk. Keys are per signed-in user: two accounts on one browser profile are two devices.
 * {@linkcode DATABASE} is exported so that the logout can tell whether there is any without
 * creating it.
 *
 * | key                        | value                                              |
 * | -------------------------- | -------------------------------------------------- |
 * | `device/<user>`            | {@linkcode StoredDevice}                           |
 * | `held/<user>`              | unused KeyPackages: `{encoded, privatePackage}[]`  |
 * | `group/<user>/<room>`      | {@linkcode StoredGroup}                            |
 * | `own/<user>/<room>`        | own sent texts by payload `data` (not yet seen)    |
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
  /** The last seq read: every entry up to it is in `shown`. */
  cursor: number;
  /** What each entry read as (decrypted texts stay on this device only). */
  shown: [number, E2eShown][];
}

/** Name of the IndexedDB database. */
export const DATABASE = "chat-e2e";
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

  /**
   * Deletes every record of user `userId` in the table above (this profile stops being their
   * device), in one transaction; resolves once that is committed.
   */
  async deleteUser(userId: string): Promise<void> {
    const db = await this.#db;
    const transaction = db.transaction(STORE, "readwrite");
    const store = transaction.objectStore(STORE);
    store.delete(`device/${userId}`);
    store.delete(`held/${userId}`);
    // Keys are strings: every key starting with a prefix sorts between it and prefix + U+FFFF.
    for (const prefix of [`group/${userId}/`, `own/${userId}/`]) {
      store.delete(IDBKeyRange.bound(prefix, prefix + "\uffff"));
    }
    await committed(transaction);
  }

  /** Writes `value` under `key`; resolves once the write is committed. */
  async put(key: string, value: unknown): Promise<void> {
    const db = await this.#db;
    const transaction = db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(value, key);
    await committed(transaction);
  }
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}

function done<T>(request: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error);
  });
}
