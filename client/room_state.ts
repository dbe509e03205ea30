import { batch, computed, type ReadonlySignal, signal } from "@preact/signals";
import { type ChatMessage, isActionEntry } from "../lib/common/protocol.ts";
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
  /** Live messages from others that arrived while the room was not the active one. */
  readonly unread = signal(0);
  /** The last error the server reported for this room, if any. */
  readonly error = signal<ShownText | null>(null);
  /** Bumped by {@linkcode RoomState.reset}, so answers to older requests can be told apart. */
  epoch = 0;

  /** @param id The room id. */
  constructor(id: string) {
    this.id = id;
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
