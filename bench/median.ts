/**
 * The median of a list of figures: the mean of the two middle ones for an even count, NaN for
 * none.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 2, 3]); // 2.5
 * ```
 *
 * @param values The figures, in any order (not changed).
 * @returns Their median.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
