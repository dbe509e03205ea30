/**
 * What one merge writes (`search_merger.ts`): the pending postings it takes, cut into posting
 * blocks by term, and whether they fit one KV commit.
 *
 * Every posting of a merge is sorted once, newest first, and each term's list is then built in
 * that order, so no list is sorted again; rooms and senders are numbered once per merge, so a
 * block's size is counted with an array lookup per posting. (The first version sorted each
 * term's list and counted rooms with a `Set` of strings per block: 8 % of all the samples of a
 * profile of sends and merges, the merge's largest part in JavaScript.)
 *
 * Sizes are those of V8's serialization, which Deno KV counts against its limits: a one-byte
 * string takes its length, any other twice its length, and 16 bytes a posting for the packed
 * cells (`posting_block.ts`). Counting them closely, instead of 3 bytes a character, lets one
 * commit take about twice as many messages.
 *
 * @module
 */
import type { BlockPosting } from "./posting_block.ts";
import type { PendingPosting } from "./search_pending.ts";

/** Most message time one block spans, in ms. */
export const BLOCK_SPAN_MS = 10 * 60_000;
/** Most estimated bytes of one block (a KV value holds 64 KiB). */
const BLOCK_BYTES = 40 * 1024;
/**
 * Mutations, bytes and key bytes one merge commit holds at most (KV: 1,000 mutations,
 * 800 KiB, 80 KiB of keys).
 */
export const COMMIT_MUTATIONS = 900;
/** Bytes of values one merge commit holds at most. */
export const COMMIT_BYTES = 600 * 1024;
const COMMIT_KEY_BYTES = 56 * 1024;
/** A block key's bytes besides its term (prefix, time, id), and a pending entry's key's. */
const KEY_OVERHEAD = 80;
/** Bytes of a block besides its postings, rooms and senders (field names, time, framing). */
const BLOCK_OVERHEAD = 64;
/** Bytes of one posting's cells. */
const POSTING_BYTES = 16;

/** One block to write: a term's postings, newest first, and its estimated size. */
export interface Block {
  term: string;
  postings: BlockPosting[];
  bytes: number;
}

/** Bytes V8 serializes a string in (one-byte strings one a character, others two), framed. */
export function serializedBytes(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) return 2 * text.length + 5;
  }
  return text.length + 5;
}

/** Newest first: time, then room, then seq, all descending (the search's order). */
function newestFirst(a: PendingPosting, b: PendingPosting): number {
  if (a.at !== b.at) return b.at - a.at;
  if (a.room !== b.room) return a.room < b.room ? 1 : -1;
  return b.seq - a.seq;
}

/** Numbers strings in the order first seen, remembering each one's serialized size. */
class Names {
  ids = new Map<string, number>();
  bytes: number[] = [];

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      this.ids.set(name, id = this.bytes.length);
      this.bytes.push(serializedBytes(name));
    }
    return id;
  }
}

/** The blocks of `postings`: by term, newest first, cut by size and by time span. */
export function planBlocks(postings: readonly PendingPosting[]): Block[] {
  const sorted = [...postings].sort(newestFirst);
  const rooms = new Names();
  const senders = new Names();
  const compact: BlockPosting[] = [];
  const roomOf = new Uint32Array(sorted.length);
  const senderOf = new Uint32Array(sorted.length);
  const byTerm = new Map<string, number[]>();
  sorted.forEach((posting, i) => {
    const flags = (posting.files ? 1 : 0) | (posting.images ? 2 : 0);
    compact.push([posting.room, posting.seq, posting.at, posting.from, flags]);
    roomOf[i] = rooms.idOf(posting.room);
    senderOf[i] = senders.idOf(posting.from);
    for (const term of posting.terms) {
      const list = byTerm.get(term);
      if (list) list.push(i);
      else byTerm.set(term, [i]);
    }
  });
  // A room or sender is listed once a block: counted when its mark is not the block's number.
  const roomMark = new Uint32Array(rooms.bytes.length);
  const senderMark = new Uint32Array(senders.bytes.length);
  let serial = 0;
  const blocks: Block[] = [];
  for (const [term, list] of byTerm) {
    let block: Block = { term, postings: [], bytes: BLOCK_OVERHEAD };
    serial++;
    for (const i of list) {
      const posting = compact[i]!;
      const room = roomOf[i]!;
      const sender = senderOf[i]!;
      const first = block.postings[0];
      let bytes = POSTING_BYTES + (roomMark[room] === serial ? 0 : rooms.bytes[room]!) +
        (senderMark[sender] === serial ? 0 : senders.bytes[sender]!);
      if (first && (block.bytes + bytes > BLOCK_BYTES || first[2] - posting[2] > BLOCK_SPAN_MS)) {
        blocks.push(block);
        block = { term, postings: [], bytes: BLOCK_OVERHEAD };
        serial++;
        bytes = POSTING_BYTES + rooms.bytes[room]! + senders.bytes[sender]!;
      }
      roomMark[room] = serial;
      senderMark[sender] = serial;
      block.postings.push(posting);
      block.bytes += bytes;
    }
    blocks.push(block);
  }
  return blocks;
}

/** Adds up what a commit's blocks weigh against KV's bounds of one commit. */
class CommitWeight {
  mutations: number;
  bytes = 0;
  keyBytes: number;

  /** A commit that also checks and deletes `entries` pending entries. */
  constructor(entries: number) {
    this.mutations = 2 * entries;
    this.keyBytes = 2 * entries * KEY_OVERHEAD;
  }

  add(block: Block): void {
    this.mutations++;
    this.bytes += block.bytes;
    this.keyBytes += 3 * block.term.length + KEY_OVERHEAD;
  }

  /** The largest of its mutations, bytes and key bytes over their bounds (above 1: too much). */
  get load(): number {
    return Math.max(
      this.mutations / COMMIT_MUTATIONS,
      this.bytes / COMMIT_BYTES,
      this.keyBytes / COMMIT_KEY_BYTES,
    );
  }
}

/**
 * How full one commit of `blocks` and the checks and deletes of `entries` pending entries would
 * be: above 1, it does not fit.
 */
export function commitLoad(blocks: readonly Block[], entries: number): number {
  const weight = new CommitWeight(entries);
  for (const block of blocks) weight.add(block);
  return weight.load;
}

/** `blocks` cut into commits that each fit (with room for one entry's check and delete). */
export function splitCommits(blocks: readonly Block[]): Block[][] {
  const commits: Block[][] = [];
  let current: Block[] = [];
  let weight = new CommitWeight(1);
  for (const block of blocks) {
    weight.add(block);
    if (current.length > 0 && weight.load > 1) {
      commits.push(current);
      current = [];
      weight = new CommitWeight(1);
      weight.add(block);
    }
    current.push(block);
  }
  commits.push(current);
  return commits;
}
