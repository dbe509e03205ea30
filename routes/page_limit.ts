/**
 * The `limit` query parameter of paged API routes.
 *
 * @module
 */

/**
 * Reads `?limit=`: `fallback` when absent, the number when it is an integer in 1–`max`, else
 * null (the route answers 400).
 */
export function pageLimit(raw: string | undefined, fallback: number, max: number): number | null {
  const limit = raw === undefined ? fallback : Number(raw);
  return Number.isInteger(limit) && limit >= 1 && limit <= max ? limit : null;
}
