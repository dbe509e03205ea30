import assert from "node:assert/strict";
import { WAVEFORM_MAX, WAVEFORM_PEAKS } from "../../lib/common/recordings.ts";
import { peaksOf } from "./waveform.ts";

Deno.test("peaksOf() gives one bar per stretch, the loudest at the maximum", () => {
  assert.deepEqual(peaksOf(new Float32Array([0, 0.5, -1, 0.25]), 2), [128, WAVEFORM_MAX]);
});

Deno.test("peaksOf() scales a quiet recording up and keeps silence at zero", () => {
  const samples = new Float32Array(6400);
  samples.fill(0.01, 3200);
  const peaks = peaksOf(samples);
  assert.equal(peaks.length, WAVEFORM_PEAKS);
  assert.deepEqual(new Set(peaks.slice(0, 32)), new Set([0]));
  assert.deepEqual(new Set(peaks.slice(32)), new Set([WAVEFORM_MAX]));
});

Deno.test("peaksOf() gives every bar a sample when the recording is shorter than the bars", () => {
  const peaks = peaksOf(new Float32Array([1, -0.5]), 4);
  assert.equal(peaks.length, 4);
  assert.ok(peaks.every((peak) => peak > 0));
});

Deno.test("peaksOf() of silence is all zero", () => {
  assert.deepEqual(peaksOf(new Float32Array(100), 4), [0, 0, 0, 0]);
});
