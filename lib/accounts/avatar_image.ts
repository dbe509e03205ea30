/**
 * Validation of uploaded avatar images, shared by user and room avatars. The type is read
 * from the file's first bytes (its magic number); the Content-Type the client sent is never
 * trusted, and the image is always served back with the type found here.
 *
 * @module
 */
import { MAX_AVATAR_BYTES } from "../common/api_types.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";

/** The image types an avatar may have. */
export type AvatarType = "image/png" | "image/jpeg" | "image/webp";

/** A checked upload: the image bytes and the type found in them. */
export interface AvatarUpload {
  type: AvatarType;
  bytes: Uint8Array<ArrayBuffer>;
}

/** An avatar as stored in KV (`keys.userAvatar`, `keys.roomAvatar`). */
export interface StoredAvatar extends AvatarUpload {
  /** Random id of this upload; part of the image's URL. */
  version: string;
}

/** Outcome of {@linkcode checkAvatar}. */
export type AvatarCheck = Outcome<{ type: AvatarType }>;

/** The refusal of an avatar upload over {@linkcode MAX_AVATAR_BYTES}. */
export const AVATAR_TOO_LARGE: Refusal = refusal(413, "refusal.avatarTooLarge", {
  max: MAX_AVATAR_BYTES / 1024,
});

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((byte, i) => bytes[at + i] === byte);
}

/**
 * The image type of `bytes` by their magic number, or null when they are not PNG, JPEG or
 * WebP.
 *
 * @example
 * ```ts
 * sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // "image/jpeg"
 * sniffImageType(new TextEncoder().encode("<svg")); // null
 * ```
 */
export function sniffImageType(bytes: Uint8Array): AvatarType | null {
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, JPEG)) return "image/jpeg";
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return "image/webp";
  return null;
}

/**
 * Checks an upload: at most {@linkcode MAX_AVATAR_BYTES} (413) and a PNG, JPEG or WebP
 * image (415). The routes also stop larger bodies before reading them (`hono/body-limit`).
 */
export function checkAvatar(bytes: Uint8Array): AvatarCheck {
  if (bytes.length > MAX_AVATAR_BYTES) {
    return AVATAR_TOO_LARGE;
  }
  const type = sniffImageType(bytes);
  if (!type) {
    return refusal(415, "refusal.avatarType");
  }
  return { ok: true, type };
}
