/**
 * Read markers: per user and room, the last seq the user has read, kept in Deno KV so unread
 * counts are the same on every tab and device and survive reloads.
 *
 * A marker only moves forward, and never past the room's head: a stale, repeated or
 * too-large `read` changes nothing beyond what was stored. A room without a marker (joined
 * before markers existed, or never opened) counts as read up to the last message stored
 * before the user joined: see {@linkcode effectiveMarker}.
 *
 * @module
 */
import type { ChatMessage } from "../common/protocol.ts";
import { accountsLive } from "../accounts/accounts.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { headSeq, type StoredHead } from "../messages/room_head.ts";

/** How a marker moved: from the old seq (0 without one) to the new. */
export interface MarkerMove {
  from: number;
  to: number;
}

/** Reads and advances read markers. */
export class ReadMarkers {
  #kv: Deno.Kv;

  /** Keeps the markers in `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Every marker of a user, by room id, in one range read. */
  async of(userId: string): Promise<Map<string, number>> {
    const markers = new Map<string, number>();
    for await (const entry of this.#kv.list<number>({ prefix: keys.readMarkers(userId) })) {
      markers.set(decode.readMarker(entry.key), entry.value);
    }
    return markers;
  }

  /**
   * Moves the user's marker in `room` to `seq`, capped at the room's head. The caller has
   * checked membership. Nothing moves for an account that is gone or being deleted.
   *
   * @returns How it moved, or undefined when it did not (not ahead of the stored marker).
   */
  advance(userId: string, room: string, seq: number): Promise<MarkerMove | undefined> {
    const key = keys.readMarker(userId, room);
    return transact("advance read marker", async () => {
      const [marker, head, account] = await this.#kv.getMany<[number, StoredHead, unknown]>([
        key,
        keys.roomHead(room),
        keys.user(userId),
      ]);
      // Not for an account being deleted: a mark sent just before its socket closed must not
      // write back a marker after the deletion deleted them.
      if (!accountsLive([account])) return undefined;
      const from = marker.value ?? 0;
      const to = Math.min(seq, headSeq(head.value));
      if (to <= from) return undefined;
      const atomic = this.#kv.atomic().check(marker, account).set(key, to);
      return commit(atomic, () => ({ from, to }));
    });
  }
}

/**
 * The marker to count from: the stored one, else the seq of the newest message among `newest`
 * (ascending, the room's latest) stored before `joinedAt`, else the one before the first of
 * them (all of them are unread).
 */
export function effectiveMarker(
  stored: number | undefined,
  newest: readonly ChatMessage[],
  joinedAt: number,
): number {
  if (stored !== undefined) return stored;
  let marker = (newest[0]?.seq ?? 1) - 1;
  for (const message of newest) if (message.at <= joinedAt) marker = message.seq;
  return marker;
}
