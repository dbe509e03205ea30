/**
 * The `q` quantile of a list of figures by the nearest-rank method (the smallest figure with at
 * least `q` of them at or below it), NaN for none.
 *
 * @example
 * ```ts
 * percentile([5, 1, 4, 2, 3], 0.95); // 5
 * percentile([5, 1, 4, 2, 3], 0.5); // 3
 * ```
 *
 * @param values The figures, in any order (not changed).
 * @param q The fraction, from 0 to 1.
 * @returns The figure at that rank.
 */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
