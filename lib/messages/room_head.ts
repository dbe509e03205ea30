/**
 * A room's head: what `["room_head", roomId]` holds. Since 2026-12-03 it is one value, the
 * room's last seq and the summary of its newest message that is not an action
 * ({@linkcode RoomHead}), written by the commit that appends to the room. Before, the head was
 * a bare number and the summary a second key, `["room_last", roomId]`, set in the same commit:
 * two scattered KV sets per message instead of one.
 *
 * Data written by the old layout is read as it is, never migrated in bulk: a head that is a
 * number gets its summary from `room_last` ({@linkcode readRoomHeads}), and the next commit to
 * that room writes the new value and deletes `room_last`. Every node must run this code before
 * any writes the new layout (older code reads the value as a number): deploy all nodes at once.
 *
 * @module
 */
import type { LastMessage } from "../common/api_types.ts";
import { keys } from "../kv/kv_keys.ts";
import { readMany } from "../kv/kv_read_many.ts";

/** The value of `["room_head", roomId]`: the last seq, and the newest non-action summary. */
export interface RoomHead {
  /** The last seq stored in the room (an action entry's too). */
  seq: number;
  /** The room's newest message that is not an action, as the conversation list shows it. */
  last?: LastMessage;
}

/** A `room_head` value as stored: {@linkcode RoomHead}, or the old layout's bare seq. */
export type StoredHead = RoomHead | number;

/** A room's head as read, with what its commit must check and whether it is of the old layout. */
export interface ReadHead {
  seq: number;
  /** The summary of the newest non-action message; null for a room with none. */
  last: LastMessage | null;
  /** Of the `room_head` entry, for the check of a commit; null when the room has none. */
  versionstamp: string | null;
  /** The head is a bare number: its summary was read from `room_last`, which is then stale. */
  legacy: boolean;
}

/** The last seq of a stored `room_head` value of either layout; 0 when absent. */
export function headSeq(value: StoredHead | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.seq;
}

/** What a commit stores as the head of a room at `seq` whose newest summary is `last`. */
export function roomHeadValue(seq: number, last: LastMessage | null | undefined): RoomHead {
  return last ? { seq, last } : { seq };
}

/**
 * The heads of `rooms`, in their order: one read of each `room_head`; a room whose head is
 * still of the old layout is read again with its `room_last`, both in one `getMany` (one
 * snapshot, so a commit of the new layout in between cannot leave it without its summary).
 */
export async function readRoomHeads(kv: Deno.Kv, rooms: readonly string[]): Promise<ReadHead[]> {
  const entries = await readMany<StoredHead>(kv, rooms.map((room) => keys.roomHead(room)));
  const legacy = rooms.filter((_, i) => typeof entries[i]!.value === "number");
  const reread = new Map<string, [Deno.KvEntryMaybe<StoredHead>, LastMessage | null]>();
  if (legacy.length > 0) {
    // READ_BATCH (kv_read_many.ts) is even: a room's two keys are in the same getMany.
    const pairs = await readMany<unknown>(
      kv,
      legacy.flatMap((room) => [keys.roomHead(room), keys.roomLast(room)]),
    );
    legacy.forEach((room, i) => {
      const head = pairs[2 * i] as Deno.KvEntryMaybe<StoredHead>;
      reread.set(room, [head, (pairs[2 * i + 1]!.value as LastMessage | null) ?? null]);
    });
  }
  return rooms.map((room, i) => {
    const [{ value }, oldLast] = reread.get(room) ?? [entries[i]!, null];
    const old = typeof value === "number";
    return {
      seq: headSeq(value),
      last: old ? oldLast : value?.last ?? null,
      // The first read's: a commit's other reads (clientIds, targets) went out with it, so
      // its check must fail if the room changed before the second read, and the commit retry.
      versionstamp: entries[i]!.versionstamp,
      legacy: old,
    };
  });
}
