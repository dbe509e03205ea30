/**
 * The `limit` query parameter of paged API routes.
 *
 * @module
 */

/**
 * Reads `?limit=`: `fallback` when absent, the number when it is written in decimal digits
 * and in 1–`max`, else null (the route answers 400).
 */
export function pageLimit(raw: string | undefined, fallback: number, max: number): number | null {
  if (raw === undefined) return fallback;
  // Decimal digits only: Number() would also read "0x10", "1e1", " 16" and "16.0".
  if (!/^[0-9]{1,9}$/.test(raw)) return null;
  const limit = Number(raw);
  return Number.isInteger(limit) && limit >= 1 && limit <= max ? limit : null;
}
