/**
 * Paging of the administrator's lists (users, rooms, reports) by Deno KV list cursors.
 *
 * @module
 */

import { type Refusal, refusal } from "../common/refusal.ts";

/** One page of an administrator's list. */
export interface AdminPage<T> {
  items: T[];
  /** Pass as `cursor` for the next page; absent on the last one. */
  nextCursor?: string;
}

/** Rows per page of the administrator's lists. */
export const ADMIN_PAGE_SIZE = 50;

/**
 * Reads up to `limit` entries of `selector` from `cursor` (a previous page's `nextCursor`),
 * keeping those `pick` turns into a row; at most `scan` entries are read in all, so a search
 * that matches little still answers in bounded time (its page is then short, with a cursor).
 * A `cursor` KV does not take (typed or edited by hand) is refused with 400.
 */
export async function listPage<V, T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  cursor: string | undefined,
  pick: (entry: Deno.KvEntry<V>) => Promise<T | null> | T | null,
  options: { limit?: number; scan?: number } = {},
): Promise<AdminPage<T> | Refusal> {
  const limit = options.limit ?? ADMIN_PAGE_SIZE;
  const scan = options.scan ?? limit;
  const items: T[] = [];
  const iterator = kv.list<V>(selector, { cursor: cursor || undefined, limit: scan });
  let read = 0;
  let last: string | undefined;
  try {
    for await (const entry of iterator) {
      read++;
      const row = await pick(entry);
      if (row !== null) items.push(row);
      if (items.length >= limit) {
        last = iterator.cursor;
        break;
      }
    }
  } catch (error) {
    if (cursor && error instanceof TypeError && /cursor/i.test(error.message)) {
      return refusal(400, "refusal.badCursor");
    }
    throw error;
  }
  // A full scan may have stopped short of the end: the iterator's cursor goes on from there.
  const more = last !== undefined || read >= scan;
  const nextCursor = last ?? (more ? iterator.cursor : undefined);
  return nextCursor ? { items, nextCursor } : { items };
}
