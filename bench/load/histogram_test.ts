import assert from "node:assert/strict";
import { Histogram } from "./histogram.mjs";

Deno.test("Histogram keeps values under 128 µs exact", () => {
  const histogram = new Histogram();
  for (let us = 0; us < 100; us++) histogram.recordMs(us / 1000);
  assert.equal(histogram.percentileMs(50), 0.049);
  assert.equal(histogram.percentileMs(100), 0.099);
});

Deno.test("Histogram percentiles stay within 1/64 of the true value", () => {
  const histogram = new Histogram();
  const values: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const ms = Math.exp(Math.random() * 12) / 100;
    values.push(ms);
    histogram.recordMs(ms);
  }
  values.sort((a, b) => a - b);
  for (const p of [50, 90, 99, 99.9]) {
    const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
    const reported = histogram.percentileMs(p);
    assert.ok(reported >= exact - 0.001, `p${p}: ${reported} is below the true ${exact}`);
    assert.ok(reported <= exact * (1 + 1 / 64) + 0.001, `p${p}: ${reported} is over ${exact}`);
  }
});

Deno.test("Histogram.merge() adds counts, min and max", () => {
  const a = new Histogram();
  const b = new Histogram();
  a.recordMs(1);
  b.recordMs(300);
  a.merge(b);
  assert.equal(a.summary().count, 2);
  assert.equal(a.summary().maxMs, 300);
  assert.ok(a.percentileMs(1) >= 1 && a.percentileMs(1) <= 1 + 1 / 64);
});
