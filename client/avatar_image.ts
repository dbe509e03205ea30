/**
 * Turns a picked image file into an avatar in the browser: decode it, draw the chosen square
 * at {@linkcode AVATAR_SIZE}² on a canvas, encode it as WebP (JPEG where the browser cannot
 * write WebP), lowering the quality until it fits {@linkcode MAX_AVATAR_BYTES}.
 *
 * @module
 */
import { AVATAR_SIZE, MAX_AVATAR_BYTES } from "../lib/common/api_types.ts";
import { type Crop, cropRect } from "./crop.ts";
import { LocalizedError } from "./localized_error.ts";

/** Largest file the picker will try to decode, in bytes. */
export const MAX_SOURCE_BYTES = 20 * 1024 * 1024;

/** Decodes an image file (EXIF orientation applied); throws a message for the user. */
export async function decodeImage(file: File): Promise<ImageBitmap> {
  if (file.size > MAX_SOURCE_BYTES) {
    throw new LocalizedError({
      key: "avatar.tooLarge",
      params: { max: MAX_SOURCE_BYTES / 1024 / 1024 },
    });
  }
  try {
    return await createImageBitmap(file);
  } catch {
    throw new LocalizedError({ key: "avatar.notImage" });
  }
}

/** Draws the crop of `image` onto `canvas`, filling it (a preview or the output). */
export function drawCrop(canvas: HTMLCanvasElement, image: ImageBitmap, crop: Crop): void {
  const context = canvas.getContext("2d")!;
  const { sx, sy, side } = cropRect(image.width, image.height, crop);
  context.imageSmoothingQuality = "high";
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, sx, sy, side, side, 0, 0, canvas.width, canvas.height);
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality: number) {
  return new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));
}

/** The crop as an encoded square avatar, ready to upload. */
export async function encodeAvatar(image: ImageBitmap, crop: Crop): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = AVATAR_SIZE;
  drawCrop(canvas, image, crop);
  for (const quality of [0.85, 0.7, 0.5]) {
    let blob = await toBlob(canvas, "image/webp", quality);
    if (blob?.type !== "image/webp") blob = await toBlob(canvas, "image/jpeg", quality);
    if (blob && blob.size <= MAX_AVATAR_BYTES) return blob;
  }
  throw new LocalizedError({ key: "avatar.cannotShrink" });
}
