import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";

Deno.test("FakeClock.now() stands still until advance() moves it", () => {
  const clock = new FakeClock(1_000);
  assert.equal(clock.now(), 1_000);
  assert.equal(clock.now(), 1_000);
  clock.advance(250);
  assert.equal(clock.now(), 1_250);
  clock.advance(0);
  assert.equal(clock.now(), 1_250);
});

Deno.test("FakeClock.advance() refuses to move backwards and leaves the time as it was", () => {
  const clock = new FakeClock(1_000);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.equal(clock.now(), 1_000);
});

Deno.test("FakeClock.advance() fires a timer when its delay has passed, not a millisecond before", () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  clock.setTimeout(() => fired.push(clock.now()), 100);
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, [100]);
  clock.advance(1_000);
  assert.deepEqual(fired, [100], "a timer fires once");
});

Deno.test("FakeClock.advance() fires due timers in due order, each at its own due time, ties in the order set", () => {
  const clock = new FakeClock(0);
  const fired: [string, number][] = [];
  const record = (name: string) => () => void fired.push([name, clock.now()]);
  clock.setTimeout(record("late"), 300);
  clock.setTimeout(record("early"), 100);
  clock.setTimeout(record("tie-first"), 200);
  clock.setTimeout(record("tie-second"), 200);
  clock.advance(1_000);
  assert.deepEqual(fired, [["early", 100], ["tie-first", 200], ["tie-second", 200], ["late", 300]]);
  assert.equal(clock.now(), 1_000);
});

Deno.test("FakeClock.advance() runs a timer set by a firing timer when it falls due within the same step", () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  const every100 = () => {
    fired.push(clock.now());
    clock.setTimeout(every100, 100);
  };
  clock.setTimeout(every100, 100);
  clock.advance(350);
  assert.deepEqual(fired, [100, 200, 300]);
  assert.deepEqual(clock.pending, [50]);
});

Deno.test("FakeClock.clearTimeout() cancels a pending timer and ignores unknown or undefined ids", () => {
  const clock = new FakeClock(0);
  let fired = 0;
  const kept = clock.setTimeout(() => fired++, 10);
  const cancelled = clock.setTimeout(() => (fired += 100), 10);
  clock.clearTimeout(cancelled);
  clock.clearTimeout(undefined);
  clock.clearTimeout(12345);
  clock.clearTimeout("not an id");
  assert.deepEqual(clock.pending, [10]);
  clock.advance(10);
  assert.equal(fired, 1);
  clock.clearTimeout(kept);
  assert.equal(fired, 1);
});

Deno.test("FakeClock.pending lists the delays still to run, from now, ascending", () => {
  const clock = new FakeClock(0);
  clock.setTimeout(() => {}, 500);
  clock.setTimeout(() => {}, 200);
  assert.deepEqual(clock.pending, [200, 500]);
  clock.advance(150);
  assert.deepEqual(clock.pending, [50, 350]);
  clock.advance(50);
  assert.deepEqual(clock.pending, [300]);
});
