/**
 * Files of encrypted rooms: each is encrypted in the sender's browser with a fresh AES-GCM-256
 * key (WebCrypto) and uploaded as ciphertext; the key, the nonce and what the file is (name,
 * type, size, image dimensions) travel only inside the MLS message, as an {@linkcode E2eFile}.
 * Browser-safe.
 *
 * @module
 */
import { base64ToBytes, bytesToBase64 } from "./mls_bytes.ts";
import type { Attachment } from "../attachments.ts";
import type { E2eFile } from "./e2e_content.ts";

/**
 * The name and type every encrypted file is uploaded under: the server stores neither the real
 * name nor a type it could learn from the (random-looking) bytes.
 */
export const E2E_UPLOAD_NAME = "encrypted";
/** See {@linkcode E2E_UPLOAD_NAME}. */
export const E2E_UPLOAD_TYPE = "application/octet-stream";

/** A file encrypted for upload: the ciphertext, and its key and nonce (base64). */
export interface SealedFile {
  ciphertext: Uint8Array<ArrayBuffer>;
  key: string;
  iv: string;
}

/** Encrypts `bytes` under a fresh random AES-GCM-256 key and nonce. */
export async function sealFile(bytes: Uint8Array<ArrayBuffer>): Promise<SealedFile> {
  const rawKey = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, bytes),
  );
  return { ciphertext, key: bytesToBase64(rawKey), iv: bytesToBase64(iv) };
}

/**
 * The plaintext of an encrypted file's downloaded `ciphertext`.
 *
 * @throws {Error} When the key or nonce is malformed, or the bytes fail authentication
 *   (tampered, or another file).
 */
export async function openFile(
  ciphertext: Uint8Array<ArrayBuffer>,
  file: Pick<E2eFile, "key" | "iv">,
): Promise<Uint8Array<ArrayBuffer>> {
  const rawKey = base64ToBytes(file.key);
  const iv = base64ToBytes(file.iv);
  if (rawKey?.length !== 32 || iv?.length !== 12) throw new Error("malformed file key");
  const key = await crypto.subtle.importKey(
    "raw",
    rawKey as Uint8Array<ArrayBuffer>,
    "AES-GCM",
    false,
    ["decrypt"],
  );
  return new Uint8Array(
    await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: iv as Uint8Array<ArrayBuffer> },
      key,
      ciphertext,
    ),
  );
}

/**
 * A file of the upload drafts made for an encrypted room: the attachment as the composer
 * shows it (real name, type and size), with the {@linkcode E2eFile} its message will carry.
 */
export interface SealedAttachment extends Attachment {
  sealed: E2eFile;
}
