import assert from "node:assert/strict";
import fc from "fast-check";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { TokenBuckets } from "./token_bucket.ts";

function takeTimes(buckets: TokenBuckets, subject: string, times: number): boolean[] {
  return Array.from({ length: times }, () => buckets.take(subject).ok);
}

Deno.test("TokenBuckets.take() allows a burst of exactly `burst` sends at one instant", () => {
  const buckets = new TokenBuckets(new FakeClock(), 10, 5);
  assert.deepEqual(takeTimes(buckets, "alice", 6), [true, true, true, true, true, false]);
});

Deno.test("TokenBuckets.take() refills at the rate and never above the burst", () => {
  const clock = new FakeClock();
  const buckets = new TokenBuckets(clock, 10, 5);
  takeTimes(buckets, "alice", 5);
  clock.advance(300);
  assert.deepEqual(takeTimes(buckets, "alice", 4), [true, true, true, false]);
  clock.advance(60_000);
  assert.deepEqual(takeTimes(buckets, "alice", 6), [true, true, true, true, true, false]);
});

Deno.test("TokenBuckets.take() keeps one bucket per subject", () => {
  const buckets = new TokenBuckets(new FakeClock(), 1, 2);
  assert.deepEqual(takeTimes(buckets, "alice", 3), [true, true, false]);
  assert.deepEqual(takeTimes(buckets, "bob", 3), [true, true, false]);
});

Deno.test("TokenBuckets.take() says retryAfterMs: refused one millisecond earlier, allowed at it", () => {
  const clock = new FakeClock();
  const buckets = new TokenBuckets(clock, 10, 3);
  takeTimes(buckets, "alice", 3);
  const refused = buckets.take("alice");
  assert.deepEqual(refused, { ok: false, retryAfterMs: 100 });
  clock.advance(99);
  const almost = buckets.take("alice");
  // 0.99 tokens in floating point is a hair under, so the answer may round up to 2 ms.
  assert.ok(!almost.ok && almost.retryAfterMs >= 1 && almost.retryAfterMs <= 2);
  clock.advance(1);
  assert.deepEqual(buckets.take("alice"), { ok: true });
});

Deno.test("TokenBuckets.take() retryAfterMs is never early and at most one millisecond late, for any rate and history", () => {
  const step = fc.oneof(
    fc.record({ advance: fc.integer({ min: 0, max: 5_000 }) }),
    fc.record({ take: fc.constantFrom("alice", "bob") }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(step, { maxLength: 60 }),
      (rate, burst, steps) => {
        const clock = new FakeClock();
        const buckets = new TokenBuckets(clock, rate, burst);
        for (const item of steps) {
          if ("advance" in item) {
            clock.advance(item.advance);
            continue;
          }
          const result = buckets.take(item.take);
          if (result.ok) continue;
          assert.ok(result.retryAfterMs >= 1, `retryAfterMs ${result.retryAfterMs}`);
          // Probing does not change a refused bucket, so the same subject can be asked again.
          // Rounding may make the answer 1 ms late, never 2.
          if (result.retryAfterMs > 2) {
            clock.advance(result.retryAfterMs - 2);
            const early = buckets.take(item.take);
            assert.ok(!early.ok, `allowed ${result.retryAfterMs - 2} ms after refusal`);
            clock.advance(2);
          } else {
            clock.advance(result.retryAfterMs);
          }
          assert.deepEqual(buckets.take(item.take), { ok: true }, `rate ${rate} burst ${burst}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("TokenBuckets forgets subjects whose bucket has refilled, so memory follows active senders", () => {
  const clock = new FakeClock();
  const buckets = new TokenBuckets(clock, 2, 5);
  for (let i = 0; i < 1_000; i++) buckets.take(`user${i}`);
  assert.equal(buckets.size, 1_000);
  // 5 tokens at 2 per second: full again after 2.5 s.
  clock.advance(2_499);
  buckets.take("late");
  assert.equal(buckets.size, 1_001, "not swept before the refill period");
  clock.advance(1);
  buckets.take("late");
  assert.equal(buckets.size, 1, "only the subject active within the period is kept");
});

Deno.test("TokenBuckets that refill almost at once are swept at most once a second, not on every take", () => {
  const clock = new FakeClock();
  const buckets = new TokenBuckets(clock, 1_000_000, 1_000);
  for (let i = 0; i < 1_000; i++) {
    buckets.take(`user${i}`);
    clock.advance(0.5);
  }
  assert.equal(buckets.size, 1_000, "kept while the sweep interval runs");
  clock.advance(1_000);
  buckets.take("late");
  assert.equal(buckets.size, 1);
});

Deno.test("TokenBuckets forgetting a subject does not give it more than a burst", () => {
  const clock = new FakeClock();
  const buckets = new TokenBuckets(clock, 10, 5);
  takeTimes(buckets, "alice", 5);
  clock.advance(10_000);
  assert.deepEqual(takeTimes(buckets, "alice", 6), [true, true, true, true, true, false]);
});
