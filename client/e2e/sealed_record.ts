/**
 * How a record of the E2E key store is kept at rest: encrypted with AES-GCM under a
 * non-extractable key made with WebCrypto (the key itself lives in IndexedDB beside the records,
 * as a `CryptoKey`, whose bytes no script can read). Each record is bound to its store key (the
 * additional data), so one record cannot be passed off as another.
 *
 * What this does and does not protect is in docs/SECURITY.md ("Keys at rest in the browser"): a
 * copied profile directory no longer shows private keys or decrypted texts to whoever greps its
 * files, but any script of this page, and anyone who opens the same profile in the same
 * browser, can still use the key.
 *
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "../../lib/common/e2e/mls_bytes.ts";

/** A record as stored: the AES-GCM nonce and ciphertext of the record's value. */
export interface SealedRecord {
  sealed: 1;
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

/** A new AES-GCM key for the store, not extractable: it can be used, never read out. */
export async function newSealingKey(): Promise<CryptoKey> {
  return await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Whether a stored value is a {@linkcode SealedRecord} (rather than an older plain one). */
export function isSealed(value: unknown): value is SealedRecord {
  return typeof value === "object" && value !== null && Reflect.get(value, "sealed") === 1 &&
    Reflect.get(value, "iv") instanceof Uint8Array &&
    Reflect.get(value, "data") instanceof ArrayBuffer;
}

/**
 * Encrypts `value` (plain objects, arrays, strings, numbers, booleans, null, `Uint8Array`s and
 * bigints, as the key store holds) for store key `recordKey`.
 */
export async function seal(
  key: CryptoKey,
  recordKey: string,
  value: unknown,
): Promise<SealedRecord> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(JSON.stringify(value, tagged));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(recordKey) },
    key,
    plaintext,
  );
  return { sealed: 1, iv, data };
}

/**
 * The value of a record sealed for `recordKey`.
 *
 * @throws {Error} When it was sealed under another key or for another record key, or altered.
 */
export async function unseal<T>(
  key: CryptoKey,
  recordKey: string,
  record: SealedRecord,
): Promise<T> {
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: record.iv, additionalData: new TextEncoder().encode(recordKey) },
    key,
    record.data,
  );
  return JSON.parse(new TextDecoder().decode(plaintext), untagged) as T;
}

/** JSON has no bytes nor bigints: they travel as `{ $bytes }` and `{ $bigint }`. */
function tagged(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: bytesToBase64(value) };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  return value;
}

function untagged(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const bytes = Reflect.get(value, "$bytes");
  if (typeof bytes === "string") return base64ToBytes(bytes);
  const big = Reflect.get(value, "$bigint");
  if (typeof big === "string") return BigInt(big);
  return value;
}
