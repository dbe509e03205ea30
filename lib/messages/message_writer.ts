/**
 * Group commit: sends that arrive while a commit is in flight are stored together in the next
 * one, so the message rate is not bounded by one KV commit per message, and an idle server
 * still commits a lone message at once. Acks resolve only after the commit; each committed
 * batch is then announced once per room.
 *
 * A KV commit costs about as much CPU for one message as for ten, so when writes keep coming
 * (some arrived during the last commit) but too few to fill a batch, the writer lingers a few
 * milliseconds to gather more, as PostgreSQL's `commit_delay` does.
 *
 * @module
 */
import {
  type AppendResult,
  AuthorGoneError,
  type MessageDraft,
  type MessageStore,
} from "./message_store.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { systemTimers, type Timers } from "../common/clock.ts";

/**
 * Receives the messages of one committed batch of one room, ascending by seq, and the members
 * told of the room's activity when the commit wrote their activity entries
 * ({@linkcode AppendResult.activityFor}).
 */
export type CommittedHandler = (
  room: string,
  messages: ChatMessage[],
  activityFor?: readonly string[],
) => void;

interface PendingWrite {
  draft: MessageDraft;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Most drafts taken into one `store.append` call. */
export const MAX_DRAFTS_PER_BATCH = 2000;
/**
 * A busy writer with fewer drafts than this queued lingers before committing them; with this
 * many it commits at once (the batch is already large enough to pay for its commit).
 */
export const LINGER_BELOW_DRAFTS = 32;
/**
 * Default linger of a busy writer. Measured on 2 cores (BENCHMARKS.md): 10 ms instead of 3 cut
 * the server's CPU per delivery by 6 to 25 % with rooms of 100 and by 11 to 21 % with rooms of
 * 2, for a p99 about 5 to 12 ms higher at moderate load; a quiet server never lingers. At 60,000
 * to 100,000 deliveries/s in rooms of 100 ("Fan-out, round four"), shorter or adaptive lingers
 * (5 ms, the last commit's duration, a deadline of 10 or 20 ms from the oldest draft's arrival)
 * cost the same or up to 23 % more CPU per delivery and lowered neither p50 nor p99, and 20 ms
 * saved 6 to 18 % but raised p50 at 60,000 to 80,000: each commit is one frame per socket of
 * each room it touches, so on a busy core the frames a linger saves outweigh the wait it adds.
 */
export const DEFAULT_COMMIT_LINGER_MS = 10;

/** Tuning of a {@linkcode MessageWriter}. */
export interface MessageWriterOptions {
  /**
   * How long a busy writer waits for more drafts before committing a small batch; 0 never
   * waits. Default {@linkcode DEFAULT_COMMIT_LINGER_MS}.
   */
  lingerMs?: number;
  /** Told how long each batch's KV commit took, in milliseconds, failed ones included. */
  observeCommit?: (ms: number) => void;
  /** The timer of the linger; the real one by default. Tests pass a fake clock. */
  timers?: Timers;
}

/** Queues sends and stores them in grouped commits. */
export class MessageWriter {
  #store: MessageStore;
  #onCommitted: CommittedHandler;
  #queue: PendingWrite[] = [];
  #draining: Promise<void> | undefined;
  #lingerMs: number;
  #observeCommit: ((ms: number) => void) | undefined;
  #timers: Timers;

  /** Writes to `store` and calls `onCommitted` after each commit. */
  constructor(
    store: MessageStore,
    onCommitted: CommittedHandler,
    options: MessageWriterOptions = {},
  ) {
    this.#store = store;
    this.#onCommitted = onCommitted;
    this.#observeCommit = options.observeCommit;
    this.#lingerMs = options.lingerMs ?? DEFAULT_COMMIT_LINGER_MS;
    this.#timers = options.timers ?? systemTimers;
  }

  /**
   * Stores one message; resolves after it is durable. Duplicates (same room, sender and
   * clientId) resolve with the original message and are announced again, harmlessly, so a
   * message whose first announcement was lost in a crash still reaches live subscribers.
   * Rejects with `AuthorGoneError` a message with files whose author's account is gone or
   * being deleted (the other messages of its batch are stored).
   */
  write(draft: MessageDraft): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ draft, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Resolves when every queued write has been committed or failed. */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    try {
      // Only after a commit that writes arrived during: a lone write is committed at once.
      let busy = false;
      while (this.#queue.length > 0) {
        if (busy && this.#lingerMs > 0 && this.#queue.length < LINGER_BELOW_DRAFTS) {
          await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, this.#lingerMs));
        }
        const batch = this.#queue.splice(0, MAX_DRAFTS_PER_BATCH);
        let results: AppendResult[];
        const started = performance.now();
        try {
          results = await this.#store.append(batch.map((pending) => pending.draft));
        } catch (error) {
          // A send with files of an account being deleted: only it is refused; the rest of
          // the batch goes first in the next one, in its order.
          const refused = error instanceof AuthorGoneError
            ? batch.filter((pending) => error.refuses(pending.draft))
            : batch;
          for (const pending of refused) pending.reject(error);
          if (refused !== batch) this.#queue.unshift(...batch.filter((p) => !refused.includes(p)));
          continue;
        } finally {
          this.#observeCommit?.(performance.now() - started);
        }
        busy = this.#queue.length > 0;
        batch.forEach((pending, i) => pending.resolve(results[i]!));
        // In rooms of two nearly every room has one message per commit: a list per room, put
        // in order only when it has several (duplicates of one seq once, ascending).
        const byRoom = new Map<string, ChatMessage[]>();
        const activity = new Map<string, readonly string[]>();
        for (const { message, activityFor } of results) {
          const messages = byRoom.get(message.room);
          if (messages) messages.push(message);
          else byRoom.set(message.room, [message]);
          if (activityFor) activity.set(message.room, activityFor);
        }
        for (const [room, messages] of byRoom) {
          try {
            this.#onCommitted(room, inSeqOrder(messages), activity.get(room));
          } catch (error) {
            // The messages are stored and acked; subscribers catch up from the store.
            console.error(`writer: announcing a batch of room ${room} failed`, error);
          }
        }
      }
    } finally {
      // In the same turn as the last queue check, so a write made right after an ack starts a
      // new drain instead of joining one that has already ended.
      this.#draining = undefined;
    }
  }
}

/** The messages of one room's batch ascending by seq, each seq once (a retry repeats one). */
function inSeqOrder(messages: ChatMessage[]): ChatMessage[] {
  if (messages.length === 1) return messages;
  const bySeq = new Map(messages.map((message) => [message.seq, message]));
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
