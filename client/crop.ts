/**
 * The square crop of the avatar picker, as pure functions of the image size: where the crop's
 * centre is (in image pixels) and how far it is zoomed in. Browser-compatible.
 *
 * @module
 */

/** A square crop: zoom 1 is the largest square that fits; the centre is in image pixels. */
export interface Crop {
  zoom: number;
  x: number;
  y: number;
}

/** Largest zoom the picker offers. */
export const MAX_ZOOM = 4;

/** The centred square, not zoomed: the picker's starting crop. */
export function centerCrop(width: number, height: number): Crop {
  return { zoom: 1, x: width / 2, y: height / 2 };
}

/** The crop's square in image pixels: its top-left corner and side. */
export function cropRect(width: number, height: number, crop: Crop) {
  const side = Math.min(width, height) / crop.zoom;
  return { sx: crop.x - side / 2, sy: crop.y - side / 2, side };
}

/**
 * `crop` with its zoom kept in 1…{@linkcode MAX_ZOOM} and its square moved inside the image.
 *
 * @example
 * ```ts
 * clampCrop(200, 100, { zoom: 1, x: 0, y: 0 }); // { zoom: 1, x: 50, y: 50 }
 * ```
 */
export function clampCrop(width: number, height: number, crop: Crop): Crop {
  const zoom = Math.min(MAX_ZOOM, Math.max(1, crop.zoom));
  const half = Math.min(width, height) / zoom / 2;
  const within = (value: number, size: number) => Math.min(size - half, Math.max(half, value));
  return { zoom, x: within(crop.x, width), y: within(crop.y, height) };
}

/**
 * Moves the picture by `dx`, `dy` screen pixels in a preview `viewport` pixels wide (dragging
 * right shows more of the left of the image), kept inside the image.
 */
export function panCrop(
  width: number,
  height: number,
  crop: Crop,
  dx: number,
  dy: number,
  viewport: number,
): Crop {
  const scale = cropRect(width, height, crop).side / viewport;
  return clampCrop(width, height, { ...crop, x: crop.x - dx * scale, y: crop.y - dy * scale });
}
