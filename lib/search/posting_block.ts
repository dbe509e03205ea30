/**
 * The value of a `search_block` entry, packed: a block's postings as 4 unsigned 32-bit numbers
 * each (room and flags, seq, time before the block's newest, sender) with its room ids and
 * senders listed once. About 16 bytes a posting where an array per posting took ~50: the merger
 * writes fewer bytes (SQLite's share of a merge is most of it) and a search reads fewer.
 *
 * @module
 */

/** A posting in a block: room, seq, time, sender, flags (1: has files, 2: has an image). */
export type BlockPosting = [room: string, seq: number, at: number, from: string, flags: number];

/** The stored form of a block (see the module). */
export interface PostingBlock {
  rooms: string[];
  senders: string[];
  newestAt: number;
  cells: Uint32Array;
}

/**
 * Packs `postings` (newest first, spanning less than 2^32 ms, seqs below 2^32, at most 2^30
 * rooms).
 */
export function packBlock(postings: readonly BlockPosting[]): PostingBlock {
  const rooms = new Map<string, number>();
  const senders = new Map<string, number>();
  const newestAt = postings[0]?.[2] ?? 0;
  const cells = new Uint32Array(4 * postings.length);
  postings.forEach(([room, seq, at, from, flags], i) => {
    let roomIndex = rooms.get(room);
    if (roomIndex === undefined) rooms.set(room, roomIndex = rooms.size);
    let senderIndex = senders.get(from);
    if (senderIndex === undefined) senders.set(from, senderIndex = senders.size);
    cells[4 * i] = roomIndex * 4 + flags;
    cells[4 * i + 1] = seq;
    cells[4 * i + 2] = newestAt - at;
    cells[4 * i + 3] = senderIndex;
  });
  return { rooms: [...rooms.keys()], senders: [...senders.keys()], newestAt, cells };
}

/**
 * The postings of a packed block, in the order they were packed; with `rooms`, only those of
 * these rooms, the others skipped without being decoded (a reader's rooms are a small part of
 * a block's, so its work follows the postings it keeps).
 */
export function unpackBlock(block: PostingBlock, rooms?: ReadonlySet<string>): BlockPosting[] {
  const { senders, newestAt, cells } = block;
  const kept = block.rooms.map((room) => rooms === undefined || rooms.has(room) ? room : null);
  const postings: BlockPosting[] = [];
  if (!kept.some((room) => room !== null)) return postings;
  for (let i = 0; i < cells.length; i += 4) {
    const roomAndFlags = cells[i]!;
    const room = kept[roomAndFlags >>> 2];
    if (room === null || room === undefined) continue;
    postings.push([
      room,
      cells[i + 1]!,
      newestAt - cells[i + 2]!,
      senders[cells[i + 3]!]!,
      roomAndFlags & 3,
    ]);
  }
  return postings;
}
