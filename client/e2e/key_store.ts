/**
 * The device's end-to-end keys and read state in IndexedDB (database `chat-e2e`, one object
 * store `keys`). Part of the lazy E2E chunk. Keys are per signed-in user: two accounts on one
 * browser profile are two devices. {@linkcode DATABASE} is exported so that the logout can tell
 * whether there is any without creating it.
 *
 * Every record is kept sealed (AES-GCM, see `sealed_record.ts`) under the profile's one
 * non-extractable `sealing-key`, made on first use and stored in the same object store. Records
 * written before sealing existed are sealed when the store opens.
 *
 * | key                        | value                                              |
 * | -------------------------- | -------------------------------------------------- |
 * | `device/<user>`            | {@linkcode StoredDevice}                           |
 * | `held/<user>`              | unused KeyPackages: `{encoded, privatePackage}[]`  |
 * | `group/<user>/<room>`      | {@linkcode StoredGroup}                            |
 * | `own/<user>/<room>`        | own sent texts by payload `data` (not yet seen)    |
 * | `trust/<user>/<contact>`   | {@linkcode StoredTrust}: the keys last seen/verified |
 * | `sealing-key`              | the AES-GCM `CryptoKey` sealing all of the above   |
 *
 * @module
 */
import type { PrivateKeyPackage } from "ts-mls";
import type { E2eShown } from "../e2e_view.ts";
import { isSealed, newSealingKey, seal, unseal } from "./sealed_record.ts";

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
  /**
   * Set while this device, having fallen behind the group, waits to be added again: the key of
   * its stale leaf (its `group` is gone; reading resumes after `cursor`).
   */
  rejoining?: string;
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

/** Name of the IndexedDB database. */
export const DATABASE = "chat-e2e";
const STORE = "keys";
const SEALING_KEY = "sealing-key";

/** A small key-value store over one IndexedDB object store, its values sealed at rest. */
export class KeyStore {
  readonly #ready: Promise<{ db: IDBDatabase; sealing: CryptoKey }>;

  constructor() {
    const db = new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    this.#ready = db.then(async (db) => {
      const sealing = await sealingKey(db);
      await sealPlainRecords(db, sealing);
      return { db, sealing };
    });
  }

  /**
   * The value under `key`, or undefined.
   *
   * @throws {Error} When the record does not open under this profile's sealing key.
   */
  async get<T>(key: string): Promise<T | undefined> {
    const { db, sealing } = await this.#ready;
    const raw = await done<unknown>(db.transaction(STORE).objectStore(STORE).get(key));
    if (raw === undefined) return undefined;
    // A plain record here was written by a tab of an older version since this one opened.
    return isSealed(raw) ? await unseal<T>(sealing, key, raw) : raw as T;
  }

  /**
   * Deletes every record of user `userId` in the table above (this profile stops being their
   * device), in one transaction; resolves once that is committed.
   */
  async deleteUser(userId: string): Promise<void> {
    const { db } = await this.#ready;
    const transaction = db.transaction(STORE, "readwrite");
    const store = transaction.objectStore(STORE);
    store.delete(`device/${userId}`);
    store.delete(`held/${userId}`);
    // Keys are strings: every key starting with a prefix sorts between it and prefix + U+FFFF.
    for (const prefix of [`group/${userId}/`, `own/${userId}/`, `trust/${userId}/`]) {
      store.delete(IDBKeyRange.bound(prefix, prefix + "\uffff"));
    }
    await committed(transaction);
  }

  /** Seals and writes `value` under `key`; resolves once the write is committed. */
  async put(key: string, value: unknown): Promise<void> {
    const { db, sealing } = await this.#ready;
    const record = await seal(sealing, key, value);
    const transaction = db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(record, key);
    await committed(transaction);
  }
}

/** The profile's sealing key, made and stored on first use (the first stored wins). */
async function sealingKey(db: IDBDatabase): Promise<CryptoKey> {
  const kept = await done<CryptoKey | undefined>(
    db.transaction(STORE).objectStore(STORE).get(SEALING_KEY),
  );
  if (kept) return kept;
  const made = await newSealingKey();
  // Another tab may have stored one since: read again in the transaction that writes.
  const transaction = db.transaction(STORE, "readwrite");
  const store = transaction.objectStore(STORE);
  let chosen = made;
  const again = store.get(SEALING_KEY);
  again.onsuccess = () => {
    if (again.result) chosen = again.result;
    else store.put(made, SEALING_KEY);
  };
  await committed(transaction);
  return chosen;
}

/**
 * Seals the records kept before sealing existed. WebCrypto cannot run inside a transaction, so
 * they are read in one, sealed, and written in another that skips any record changed meanwhile.
 */
async function sealPlainRecords(db: IDBDatabase, sealing: CryptoKey): Promise<void> {
  const reading = db.transaction(STORE).objectStore(STORE);
  const [keys, values] = await Promise.all([
    done<IDBValidKey[]>(reading.getAllKeys()),
    done<unknown[]>(reading.getAll()),
  ]);
  const plain = keys.flatMap((key, i) =>
    key !== SEALING_KEY && !isSealed(values[i]) ? [{ key: String(key), value: values[i] }] : []
  );
  if (plain.length === 0) return;
  const sealed = await Promise.all(plain.map(({ key, value }) => seal(sealing, key, value)));
  const transaction = db.transaction(STORE, "readwrite");
  const store = transaction.objectStore(STORE);
  plain.forEach(({ key, value }, i) => {
    const now = store.get(key);
    now.onsuccess = () => {
      if (now.result === value || (now.result !== undefined && !isSealed(now.result))) {
        store.put(sealed[i], key);
      }
    };
  });
  await committed(transaction);
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
