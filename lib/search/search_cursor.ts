/**
 * The opaque `nextCursor` of a search page: the position (time, seq, room) of the last index
 * entry the page used, base64url-encoded. Decoding is strict: anything that is not a cursor
 * this module wrote is refused, and a forged one can only move where a page starts inside the
 * rooms the searcher may read (visibility is checked on every page, not taken from the cursor).
 *
 * @module
 */
import type { Position } from "./posting_streams.ts";

const CURSOR = /^(\d{1,16})\.(\d{1,16})\.([A-Za-z0-9_-]{1,128})$/;

/** The cursor of the page that starts after `position`. */
export function encodeCursor(position: Position): string {
  const raw = `${position.at}.${position.seq}.${position.room}`;
  return btoa(raw).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position a cursor stands for; null when it is not one {@linkcode encodeCursor} wrote. */
export function decodeCursor(cursor: string): Position | null {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) return null;
  let raw: string;
  try {
    raw = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const match = raw.match(CURSOR);
  if (!match) return null;
  const at = Number(match[1]);
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(at) || !Number.isSafeInteger(seq)) return null;
  return { at, seq, room: match[3]! };
}
