import assert from "node:assert/strict";
import { centerCrop, clampCrop, cropRect, MAX_ZOOM, panCrop } from "./crop.ts";

Deno.test("centerCrop() takes the largest centred square of a landscape or portrait image", () => {
  assert.deepEqual(cropRect(400, 200, centerCrop(400, 200)), { sx: 100, sy: 0, side: 200 });
  assert.deepEqual(cropRect(300, 600, centerCrop(300, 600)), { sx: 0, sy: 150, side: 300 });
});

Deno.test("clampCrop() keeps the zoom in range and the square inside the image", () => {
  assert.deepEqual(clampCrop(200, 100, { zoom: 0.5, x: -10, y: 500 }), { zoom: 1, x: 50, y: 50 });
  const zoomed = clampCrop(200, 100, { zoom: 10, x: 199, y: 1 });
  assert.equal(zoomed.zoom, MAX_ZOOM);
  assert.deepEqual(cropRect(200, 100, zoomed), { sx: 175, sy: 0, side: 25 });
});

Deno.test("panCrop() moves the image with the pointer, scaled to the preview, and stops at the edges", () => {
  const crop = { zoom: 2, x: 100, y: 100 }; // a 100 px square of a 200 px image
  assert.deepEqual(panCrop(200, 200, crop, 20, -10, 200), { zoom: 2, x: 90, y: 105 });
  assert.deepEqual(panCrop(200, 200, crop, 1000, 0, 200), { zoom: 2, x: 50, y: 100 });
});
