/**
 * Token buckets keyed by a subject (a user id): each holds up to `burst` tokens and refills at
 * `ratePerSecond`. Memory stays bounded by the subjects active within one refill period: a
 * bucket that would be full again is forgotten.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";

/** Answer of {@linkcode TokenBuckets.take}. */
export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

const TAKEN: TakeResult = Object.freeze({ ok: true });

/** Full buckets are forgotten at most this often, however fast they refill. */
const MIN_SWEEP_INTERVAL_MS = 1_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A token bucket per subject. */
export class TokenBuckets {
  #clock: Clock;
  #rate: number;
  #burst: number;
  #buckets = new Map<string, Bucket>();
  #sweptAt: number;

  /** Buckets of `burst` tokens refilled at `ratePerSecond`, timed by `clock`. */
  constructor(clock: Clock, ratePerSecond: number, burst: number) {
    this.#clock = clock;
    this.#rate = ratePerSecond / 1000;
    this.#burst = burst;
    this.#sweptAt = clock.now();
  }

  /** Takes one token of `subject`, or says how long until one is available. */
  take(subject: string): TakeResult {
    const now = this.#clock.now();
    this.#sweep(now);
    const bucket = this.#buckets.get(subject);
    const tokens = bucket
      ? Math.min(this.#burst, bucket.tokens + (now - bucket.updatedAt) * this.#rate)
      : this.#burst;
    if (tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#rate) };
    // Updated in place: this runs once per send, and a new bucket each time was garbage.
    if (bucket) {
      bucket.tokens = tokens - 1;
      bucket.updatedAt = now;
    } else this.#buckets.set(subject, { tokens: tokens - 1, updatedAt: now });
    return TAKEN;
  }

  /** Number of subjects currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    const fullAfterMs = this.#burst / this.#rate;
    if (now - this.#sweptAt < Math.max(fullAfterMs, MIN_SWEEP_INTERVAL_MS)) return;
    this.#sweptAt = now;
    for (const [subject, bucket] of this.#buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.#buckets.delete(subject);
    }
  }
}
