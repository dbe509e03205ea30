/**
 * Every posting of the message search index, pending (`search_pending`) and merged
 * (`search_block`), as (room, seq, term): what tests compare with the messages stored; and the
 * rooms a search test's reader is or is not a member of.
 *
 * @module
 */
import { keys } from "../../lib/kv/kv_keys.ts";
import { type PostingBlock, unpackBlock } from "../../lib/search/posting_block.ts";
import type { PendingPostings } from "../../lib/search/search_pending.ts";
import { setMembership } from "../../lib/rooms/memberships.ts";
import type { RoomRecord } from "../../lib/rooms/room_record.ts";

/** One posting of the index, wherever it is. */
export interface IndexedPosting {
  room: string;
  seq: number;
  term: string;
  /** Whether it was read from a merged block (else a pending entry). */
  merged: boolean;
}

/** Every posting in `kv`, pending ones first, in key order. */
export async function indexedPostings(kv: Deno.Kv): Promise<IndexedPosting[]> {
  const found: IndexedPosting[] = [];
  for await (const entry of kv.list<PendingPostings>({ prefix: keys.searchPendings() })) {
    for (const { room, seq, terms } of entry.value.postings) {
      for (const term of terms) found.push({ room, seq, term, merged: false });
    }
  }
  for await (const entry of kv.list<PostingBlock>({ prefix: keys.searchBlocksAll() })) {
    const term = entry.key[1] as string;
    for (const [room, seq] of unpackBlock(entry.value)) {
      found.push({ room, seq, term, merged: true });
    }
  }
  return found;
}

/** Stores private room `id`, with `reader` as its member when `member` (else they are not). */
export async function addRoomFor(
  kv: Deno.Kv,
  id: string,
  reader: string,
  member: boolean,
): Promise<void> {
  const room: RoomRecord = {
    id,
    name: id,
    topic: "",
    createdAt: 0,
    createdBy: "owner",
    visibility: "private",
  };
  const atomic = kv.atomic().set(keys.room(id), room);
  if (member) setMembership(atomic, id, reader, { joinedAt: 0 });
  await atomic.commit();
}
