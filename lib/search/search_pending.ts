/**
 * The search index as one pending entry per commit: instead of a `msg_term` entry per (message,
 * term), the store's commit (`KvMessageStore` with `searchIndex: "pending"`) writes one
 * `search_pending` entry listing the postings of every message it added or edited, so a group
 * commit of 50 messages costs the index one KV row, not ~400. `SearchMerger`
 * (`search_merger.ts`) later folds pending entries into posting blocks by term.
 *
 * An edit adds postings for the terms it gained only; the postings of the terms it lost, and
 * those of a deleted message, stay where they are and are dropped when a search checks each
 * candidate against the message as stored (as `message_search.ts` already does).
 *
 * @module
 */
import type { ChatMessage } from "../common/protocol.ts";
import { keys } from "../kv/kv_keys.ts";
import { messageTerms, postingOf, type SearchPosting } from "./search_index.ts";

/** One message's postings in a pending entry: where it is, its filters, its new terms. */
export interface PendingPosting extends SearchPosting {
  room: string;
  seq: number;
  at: number;
  terms: string[];
}

/** The value of a `search_pending` entry. */
export interface PendingPostings {
  postings: PendingPosting[];
}

/**
 * Most estimated bytes of one pending entry; a commit whose postings are larger writes several
 * (a KV value holds 64 KiB).
 */
export const PENDING_ENTRY_BYTES = 48 * 1024;

/** The pending postings of one commit, collected message by message, then written at once. */
export class PendingBatch {
  #entries: PendingPosting[][] = [[]];
  #bytes = 0;

  /**
   * Adds the postings of a message that went from `before` (null when new) to `after`: its
   * terms that `before` did not have. `afterTerms`, when known already, are `after`'s terms.
   */
  add(before: ChatMessage | null, after: ChatMessage, afterTerms = messageTerms(after)): void {
    const old = messageTerms(before);
    const terms = old.length === 0 ? afterTerms : afterTerms.filter((t) => !old.includes(t));
    if (terms.length === 0) return;
    const posting: PendingPosting = {
      room: after.room,
      seq: after.seq,
      at: after.at,
      ...postingOf(after),
      terms,
    };
    const bytes = postingBytes(posting);
    if (this.#bytes + bytes > PENDING_ENTRY_BYTES && this.#entries.at(-1)!.length > 0) {
      this.#entries.push([]);
      this.#bytes = 0;
    }
    this.#entries.at(-1)!.push(posting);
    this.#bytes += bytes;
  }

  /** Adds the pending entries to `atomic`, keyed by the commit's time `at`; returns how many. */
  write(atomic: Deno.AtomicOperation, at: number): number {
    let written = 0;
    for (const postings of this.#entries) {
      if (postings.length === 0) continue;
      atomic.set(keys.searchPending(at, crypto.randomUUID()), { postings } as PendingPostings);
      written++;
    }
    return written;
  }
}

/** An upper bound of a posting's serialized size (UTF-8 of its strings, numbers, framing). */
export function postingBytes(posting: PendingPosting): number {
  let bytes = 3 * (posting.room.length + posting.from.length) + 48;
  for (const term of posting.terms) bytes += 3 * term.length + 4;
  return bytes;
}
