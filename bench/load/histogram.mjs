/**
 * A log-linear latency histogram in the manner of HDR Histogram: values are whole
 * microseconds, exact below 128 µs and within 1/64 (1.6 %) above, up to 2^31 µs (35 min).
 * Fixed memory (1,728 counters), O(1) recording, mergeable across processes.
 *
 * @module
 */

const SUB = 64;
const EXACT = 2 * SUB;
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = EXACT + (31 - 7) * SUB;

/** Index of the bucket holding `value` (a whole number of microseconds, clamped). */
function indexOf(value) {
  if (value < EXACT) return value;
  const shift = 31 - Math.clz32(value) - 6;
  return EXACT + (shift - 1) * SUB + ((value >>> shift) - SUB);
}

/** Largest value that falls in bucket `index`. */
function highestIn(index) {
  if (index < EXACT) return index;
  const k = index - EXACT;
  const shift = Math.floor(k / SUB) + 1;
  return ((SUB + (k % SUB)) << shift) + (1 << shift) - 1;
}

/** Latency histogram in microseconds. */
export class Histogram {
  counts = new Float64Array(BUCKETS);
  total = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /** Records one latency given in milliseconds (fractions kept down to the microsecond). */
  recordMs(ms) {
    const us = Math.min(MAX_VALUE, Math.max(0, Math.round(ms * 1000)));
    this.counts[indexOf(us)]++;
    this.total++;
    this.sum += us;
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }

  /**
   * The value at percentile `p` (0–100) in milliseconds: the highest value of the bucket
   * holding that rank (never above the largest recorded), or 0 when empty.
   */
  percentileMs(p) {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(highestIn(i), this.max) / 1000;
    }
    return this.max / 1000;
  }

  /** Adds every value recorded in `other`. */
  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** Count, mean, p50, p90, p99, p99.9 and max, in milliseconds. */
  summary() {
    return {
      count: this.total,
      meanMs: this.total === 0 ? 0 : this.sum / this.total / 1000,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      maxMs: this.max / 1000,
    };
  }
}
