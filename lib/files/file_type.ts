/**
 * What a file really is, from its bytes: the type (`file-type` reads the magic numbers) and,
 * for images, the pixel size from the header (`image-size`), never from the name or the type
 * the browser declared. Refuses a file whose name or declared type promises another type than
 * its bytes (an executable renamed `.png`) and an image too large to decode safely.
 *
 * @module
 */
import { fileTypeFromBuffer, supportedExtensions } from "file-type";
import { imageSize } from "image-size";
import { MAX_IMAGE_PIXELS } from "../common/attachments.ts";
import { type Outcome, refusal } from "../common/refusal.ts";

/** What {@linkcode sniffFile} found. */
export interface SniffedType {
  /** A MIME type; `application/octet-stream` when the bytes match no known type. */
  type: string;
  width?: number;
  height?: number;
}

/** Types whose size the header gives, and which a browser would decode. */
const MEASURED_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
/** Name extensions that mean the same type as another. */
const SAME_EXTENSION: Record<string, string> = { jpeg: "jpg", jpe: "jpg", tif: "tiff" };
/** Extensions a browser or viewer treats as images, which must then have image bytes. */
const IMAGE_EXTENSIONS = new Set(["png", "jpg", "gif", "webp", "bmp", "avif", "svg"]);

/**
 * Reads the type and pixel size of `bytes`, uploaded as `name` with the declared `declared`
 * type.
 *
 * @returns The type, or a 415 refusal when name or declared type and bytes disagree, or a 413
 *   when an image has more than {@linkcode MAX_IMAGE_PIXELS} pixels or an unreadable header.
 */
export async function sniffFile(
  bytes: Uint8Array,
  name: string,
  declared: string,
): Promise<Outcome<SniffedType>> {
  const found = await fileTypeFromBuffer(bytes);
  const extension = extensionOf(name);
  const declaredImage = declared.startsWith("image/") || IMAGE_EXTENSIONS.has(extension);
  if (!found) {
    if (looksLikeSvg(bytes)) return { ok: true, type: "image/svg+xml" };
    if (declaredImage) return refusal(415, "refusal.fileTypeMismatch");
    return { ok: true, type: "application/octet-stream" };
  }
  const foundExtension = SAME_EXTENSION[found.ext] ?? found.ext;
  const namedOther = supportedExtensions.has(extension as never) && extension !== foundExtension;
  const declaredOther = declaredImage && !found.mime.startsWith("image/");
  if (namedOther || declaredOther) return refusal(415, "refusal.fileTypeMismatch");
  if (!MEASURED_IMAGES.has(found.mime)) return { ok: true, type: found.mime };
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    return refusal(415, "refusal.fileTypeMismatch");
  }
  const { width = 0, height = 0 } = size;
  if (width < 1 || height < 1 || width * height > MAX_IMAGE_PIXELS) {
    return refusal(413, "refusal.imageTooLarge", { max: MAX_IMAGE_PIXELS / 1_000_000 });
  }
  return { ok: true, type: found.mime, width, height };
}

/** The lowercase extension of a file name, with aliases folded (`jpeg` → `jpg`). */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  return SAME_EXTENSION[extension] ?? extension;
}

/** An SVG document (text, so `file-type` does not know it): `<svg` near the start. */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).toLowerCase();
  return head.includes("<svg");
}
