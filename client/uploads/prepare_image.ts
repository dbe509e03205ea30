/**
 * Prepares a photo before upload, in the browser: JPEG, PNG and WebP images are drawn on a
 * canvas and encoded again, so their metadata (EXIF: GPS location, camera, time) never leaves
 * the device, and a small thumbnail is made for the timeline. A photo is known by its first
 * bytes as well as by the type the browser declares, since a file without an extension has no
 * declared type. A GIF is kept as it is, so it keeps playing; other files are not touched.
 *
 * @module
 */
import { THUMB_MAX_SIDE } from "../../lib/common/attachments.ts";

/** A file ready to upload, and its thumbnail when it is an image. */
export interface PreparedFile {
  /** What to upload: the re-encoded image, or the file as chosen. */
  blob: Blob;
  /** A small WebP or JPEG preview, for images other than GIFs. */
  thumb?: Blob;
  /** A re-encoded photo's size in pixels (an encrypted room's message carries it). */
  width?: number;
  height?: number;
}

/** Types re-encoded without their metadata. */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/** Re-encodes a photo and makes its thumbnail; passes any other file through. */
export async function prepareFile(file: File): Promise<PreparedFile> {
  const type = await photoType(file);
  if (!type) return { blob: file };
  let bitmap: ImageBitmap;
  try {
    // Applies the EXIF orientation, so the re-encoded pixels stand the right way up.
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { blob: file }; // not decodable here: the server judges the bytes
  }
  try {
    const blob = await encode(bitmap, bitmap.width, bitmap.height, type, 0.92);
    const scale = Math.min(1, THUMB_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const thumb = await encode(bitmap, width, height, "image/webp", 0.8);
    return {
      blob: blob ?? file,
      ...(thumb ? { thumb } : {}),
      width: bitmap.width,
      height: bitmap.height,
    };
  } finally {
    bitmap.close();
  }
}

/** The photo type of `file`, by its declared type or else by its magic bytes; undefined: none. */
async function photoType(file: File): Promise<string | undefined> {
  if (PHOTO_TYPES.has(file.type)) return file.type;
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head[0] === 0x89 && ascii(1, 4) === "PNG") return "image/png";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

/** Draws `bitmap` at `width`×`height` and encodes it as `type` (null when it cannot). */
async function encode(
  bitmap: ImageBitmap,
  width: number,
  height: number,
  type: string,
  quality: number,
): Promise<Blob | null> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.drawImage(bitmap, 0, 0, width, height);
  const blob = await canvas.convertToBlob({ type, quality }).catch(() => null);
  // A browser that cannot write the type falls back to PNG; keep WebP thumbnails small.
  if (blob && blob.type !== type && type === "image/webp") {
    return await canvas.convertToBlob({ type: "image/jpeg", quality }).catch(() => null);
  }
  return blob;
}
