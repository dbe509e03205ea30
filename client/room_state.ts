import { batch, computed, type ReadonlySignal, signal } from "@preact/signals";
import { type ChatMessage, isActionEntry, type Reader } from "../lib/common/protocol.ts";
import {
  countsAsUnread,
  countUnread,
  NOTHING_UNREAD,
  type UnreadCount,
} from "../lib/common/unread.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";

/**
 * What the browser holds of one room: its messages keyed by seq (so the same message arriving
 * from history and live is stored once), whether older history exists, loading flags, the
 * unread count and the last error. Owned and updated by {@linkcode ChatClient}; islands only
 * read the signals.
 */
export class RoomState {
  /** Room id. */
  readonly id: string;
  /** Messages held, keyed by seq; the map's order is ascending seq. */
  readonly messages = signal<ReadonlyMap<number, ChatMessage>>(new Map());
  /**
   * Messages held, ascending by seq, without action entries (edits, deletes, reactions): those
   * are held too, so the seqs stay contiguous for resume, but only change other messages.
   */
  readonly list: ReadonlySignal<readonly ChatMessage[]> = computed(() =>
    [...this.messages.value.values()].filter((message) => !isActionEntry(message))
  );
  /** True until a history page says there is nothing older than what is held. */
  readonly hasMore = signal(true);
  /** True once the newest history page arrived since the last reset. */
  readonly loaded = signal(false);
  /** A request for the newest page is in flight. */
  readonly loadingLatest = signal(false);
  /** A request for an older page is in flight. */
  readonly loadingOlder = signal(false);
  /** The current socket is subscribed to the room. */
  readonly subscribed = signal(false);
  /**
   * The user's read marker: from the conversation list, then moved by reading here or on
   * another device (`read` frames). Undefined while unknown (a room added live).
   */
  readonly readSeq = signal<number | undefined>(undefined);
  /**
   * The count to show while it cannot be derived from the messages held: the server's when the
   * conversation list was read, plus live arrivals in a room without a known marker.
   */
  readonly counted = signal<UnreadCount>(NOTHING_UNREAD);
  /**
   * What is unread: derived from the messages held and the marker once both are known (the
   * same {@linkcode countUnread} the server uses), else {@linkcode RoomState.counted}.
   */
  readonly unreadCount: ReadonlySignal<UnreadCount> = computed(() => {
    const seq = this.readSeq.value;
    if (seq === undefined || !this.loaded.value) return this.counted.value;
    return countUnread(this.list.value, seq, this.#userId, this.hasMore.value);
  });
  /** Messages from others after the read marker (own and system messages never count). */
  readonly unread: ReadonlySignal<number> = computed(() => this.unreadCount.value.unread);
  /**
   * The marker when the room was last opened: the "new messages" divider goes before the
   * first message from someone else after it. Undefined: no divider.
   */
  readonly dividerAfter = signal<number | undefined>(undefined);
  /** How far each other member has read (read receipts), by user id; empty when off. */
  readonly readers = signal<ReadonlyMap<string, Reader>>(new Map());
  /** The last error the server reported for this room, if any. */
  readonly error = signal<ShownText | null>(null);
  /** Bumped by {@linkcode RoomState.reset}, so answers to older requests can be told apart. */
  epoch = 0;

  readonly #userId: string;

  /**
   * @param id The room id.
   * @param userId The signed-in user, whose own messages are never unread.
   */
  constructor(id: string, userId = "") {
    this.id = id;
    this.#userId = userId;
  }

  /** Moves the read marker to `seq` when that is ahead of it. */
  markRead(seq: number): void {
    const current = this.readSeq.peek();
    if (current === undefined || seq > current) this.readSeq.value = seq;
  }

  /**
   * Gives a room without a known marker (added live) one once its messages are held: just
   * before the newest messages counted as unread so far, so the count and divider carry on
   * from what was counted.
   */
  settleMarker(): void {
    if (this.readSeq.peek() !== undefined || !this.loaded.peek()) return;
    const messages = this.list.peek();
    let left = this.counted.peek().unread;
    let marker = messages.at(-1)?.seq ?? 0;
    for (let i = messages.length - 1; i >= 0 && left > 0; i--) {
      const message = messages[i]!;
      if (!countsAsUnread(message, this.#userId)) continue;
      marker = message.seq - 1;
      left--;
    }
    this.readSeq.value = marker;
  }

  /** Takes a reader's marker (a receipt); an older one than known is ignored. */
  readerMoved(reader: Reader): void {
    const known = this.readers.peek().get(reader.id);
    if (known && known.seq >= reader.seq) return;
    this.readers.value = new Map(this.readers.peek()).set(reader.id, reader);
  }

  /**
   * Adds messages, skipping seqs already held. An action entry also replaces its target, when
   * held, by the state it carries (`changed`) if that is newer than the held one (a higher
   * `revision`), so entries applied twice, late or out of order never undo a later change.
   *
   * @returns How many messages were new (action entries included).
   */
  insert(messages: readonly ChatMessage[]): number {
    const current = this.messages.value;
    const last = lastKey(current);
    let next: Map<number, ChatMessage> | null = null;
    let sorted = true;
    for (const message of messages) {
      if (message.changed) {
        const held = (next ?? current).get(message.changed.seq);
        if (held && (held.revision ?? 0) < (message.changed.revision ?? 0)) {
          next ??= new Map(current);
          next.set(held.seq, message.changed);
        }
      }
      if (current.has(message.seq) || next?.has(message.seq)) continue;
      next ??= new Map(current);
      if (last !== undefined && message.seq < last) sorted = false;
      const { changed: _, ...entry } = message;
      next.set(message.seq, isActionEntry(message) ? entry : message);
    }
    if (next === null) return 0;
    const added = next.size - current.size;
    if (added === 0) {
      this.messages.value = next;
      return 0;
    }
    this.messages.value = sorted ? next : new Map([...next].sort((a, b) => a[0] - b[0]));
    return added;
  }

  /**
   * Merges a history page and clears the matching loading flag. An older page always sets
   * {@linkcode RoomState.hasMore}; the newest page sets it only when nothing older than the page
   * is held already (live messages may have arrived first).
   */
  applyPage(messages: readonly ChatMessage[], hasMore: boolean, older: boolean): void {
    batch(() => {
      const lowest = this.lowestSeq();
      this.insert(messages);
      const first = messages[0];
      if (older || lowest === undefined || first === undefined || first.seq <= lowest) {
        this.hasMore.value = hasMore;
      }
      (older ? this.loadingOlder : this.loadingLatest).value = false;
      this.loaded.value = true;
      this.error.value = null;
    });
  }

  /** Drops every message and starts over as if the room was never loaded. */
  reset(): void {
    this.epoch++;
    this.messages.value = new Map();
    this.hasMore.value = true;
    this.loaded.value = false;
    this.loadingLatest.value = false;
    this.loadingOlder.value = false;
  }

  /** Lowest seq held, if any. */
  lowestSeq(): number | undefined {
    for (const seq of this.messages.value.keys()) return seq;
    return undefined;
  }

  /**
   * The seq to resume after: the end of the unbroken run of seqs that starts at the lowest one
   * held, so that a gap (a live message that overtook an earlier one) is replayed by the server.
   * `0` for a loaded room with no messages; `undefined` when nothing was ever loaded.
   */
  resumeAfter(): number | undefined {
    let head: number | undefined;
    for (const seq of this.messages.value.keys()) {
      if (head !== undefined && seq !== head + 1) break;
      head = seq;
    }
    if (head === undefined && this.loaded.value) return 0;
    return head;
  }
}

function lastKey(map: ReadonlyMap<number, unknown>): number | undefined {
  let last: number | undefined;
  for (const key of map.keys()) last = key;
  return last;
}
