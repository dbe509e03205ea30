/**
 * A {@linkcode Broker} that needs nothing but Deno KV: for Deno Deploy, whose instances may not
 * share a `BroadcastChannel`, and for processes on one machine that share a KV file but no Redis.
 *
 * Each channel has {@linkcode SHARDS} shards. A node appends to one shard, chosen at random when
 * it starts: the events published since its last commit go into one or a few entries (each
 * under the KV value limit), written after the shard's head with the head moved past them in one
 * commit checked against the head it read. A conflict means another node on the same shard
 * committed first, so the node reads the head again and retries. One node commits one batch at a
 * time, and one shard has one order, so the others see a node's events in publish order. The
 * entries' format is in `broker_kv_entries.ts`.
 *
 * Subscribers learn that heads moved in one of two modes (`broker_kv_reader.ts`):
 * - `watch`: `kv.watch` on the heads. On Deno Deploy and between the workers of one process it
 *   wakes at once; on a local KV file it does not see writes made by another process.
 * - `poll`: `kv.getMany` on the heads every `pollMs`; works across processes on one KV file.
 *
 * Either way a reader keeps the last seq it read per shard and lists every entry from there to
 * the head it saw, so several commits landing between two notifications (`watch` coalesces
 * them) are all delivered, in order. Entries expire after `retentionMs`: a reader that falls
 * further behind than that loses those events and says so in the log. As with the other brokers,
 * the room log stays the truth (the hub fills message gaps from the store); this node's own
 * events reach its handlers at once, never through KV.
 *
 * @module
 */
import { keys } from "../../kv/kv_keys.ts";
import { commit, transact } from "../../kv/kv_transaction.ts";
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";
import { type EventText, eventTexts, takeEntries } from "./broker_kv_entries.ts";
import { KvShardReader, SHARDS } from "./broker_kv_reader.ts";

export { SHARDS };
/** Entries one commit writes at most (a commit may hold 800 KiB). */
const ENTRIES_PER_COMMIT = 8;
/** Events waiting for a commit at most, as the Redis broker's offline queue; more are dropped. */
export const MAX_PENDING_EVENTS = 10_000;

/** How a {@linkcode KvBroker} learns of new entries. */
export type KvBrokerMode = "watch" | "poll";

/** Options of {@linkcode KvBroker.open}. */
export interface KvBrokerOptions {
  /** `watch` (default) or `poll`. */
  mode?: KvBrokerMode;
  /** Interval of the `poll` mode. Default 50 ms. */
  pollMs?: number;
  /** Every node of one chat uses the same channel. Default `chat`. */
  channel?: string;
  /** How long entries are kept. Default 60 s. */
  retentionMs?: number;
}

/** Broker over Deno KV. Create it with {@linkcode KvBroker.open}. */
export class KvBroker implements Broker {
  #kv: Deno.Kv;
  #channel: string;
  #retentionMs: number;
  #node = crypto.randomUUID();
  #shard = Math.floor(Math.random() * SHARDS);
  #reader?: KvShardReader;
  #handlers = new Set<BrokerHandler>();
  /** Events waiting for the next commit, as JSON texts with their byte sizes. */
  #pending: EventText[] = [];
  #writing?: Promise<void>;
  /** Events are being dropped for want of room in `#pending` (logged once). */
  #overflowing = false;
  /** The last commit failed: its failure was logged, and so will be the next success. */
  #failing = false;
  /** This node's shard head as its last commit wrote it. */
  #head?: Deno.KvEntry<number>;
  #closing?: Promise<void>;

  private constructor(kv: Deno.Kv, channel: string, retentionMs: number) {
    this.#kv = kv;
    this.#channel = channel;
    this.#retentionMs = retentionMs;
  }

  /**
   * Joins `channel` on `kv`: reads where each shard's head is (older entries are not
   * delivered) and starts watching or polling.
   *
   * @example Two nodes on one KV file, the second polling
   * ```ts
   * const a = await KvBroker.open(await Deno.openKv("chat.kv"));
   * const b = await KvBroker.open(await Deno.openKv("chat.kv"), { mode: "poll" });
   * b.subscribe((event) => console.log(event.kind));
   * a.publish({ kind: "left", room: "r", user: "u" });
   * ```
   */
  static async open(kv: Deno.Kv, options: KvBrokerOptions = {}): Promise<KvBroker> {
    const channel = options.channel ?? "chat";
    const broker = new KvBroker(kv, channel, options.retentionMs ?? 60_000);
    const read = options.mode === "poll"
      ? { mode: "poll" as const, pollMs: options.pollMs ?? 50 }
      : { mode: "watch" as const };
    broker.#reader = await KvShardReader.start(
      kv,
      channel,
      broker.#node,
      (event) => broker.#deliver(event, false),
      read,
    );
    return broker;
  }

  publish(event: BrokerEvent): void {
    if (this.#closing) return;
    queueMicrotask(() => this.#deliver(event, true));
    // KV not answering: the other nodes miss what does not fit (the hub repairs messages).
    if (this.#pending.length >= MAX_PENDING_EVENTS) {
      if (!this.#overflowing) console.error("kv broker: KV too slow, dropping events");
      this.#overflowing = true;
      return;
    }
    this.#overflowing = false;
    for (const text of eventTexts(event)) this.#pending.push(text);
    this.#writing ??= this.#write();
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** False once closed, and while the last commit to KV failed (events are being dropped). */
  connected(): boolean {
    return !this.#closing && !this.#failing;
  }

  /** Stops reading; events already published are still written before it resolves. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      await Promise.all([this.#writing, this.#reader?.close()]);
    })();
    return this.#closing;
  }

  /** Commits the pending events, a batch at a time, until none are left. */
  async #write(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const entries = takeEntries(this.#pending, this.#node, ENTRIES_PER_COMMIT);
        try {
          await this.#append(entries);
          if (this.#failing) console.error("kv broker: writing again");
          this.#failing = false;
        } catch (error) {
          // The hub repairs lost message events from the store; the rest are best-effort.
          // One line per outage, not one per batch.
          if (!this.#failing) console.error(`kv broker: dropping events until KV writes: ${error}`);
          this.#failing = true;
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Writes `entries` after this node's shard head, moving the head past them. */
  #append(entries: Uint8Array[]): Promise<void> {
    const head = keys.brokerHead(this.#channel, this.#shard);
    // Every conflict is another node's commit to this shard: progress, so keep trying.
    return transact("kv broker publish", async (attempt) => {
      // The head as this node's last commit left it saves a read (a round trip to KV's primary
      // region on Deploy); if another node moved it since, the check fails and we read.
      const current = attempt === 0 && this.#head ? this.#head : await this.#kv.get<number>(head);
      const last = current.value ?? 0;
      const atomic = this.#kv.atomic().check(current).set(head, last + entries.length);
      entries.forEach((entry, i) => {
        const key = keys.brokerEntry(this.#channel, this.#shard, last + 1 + i);
        atomic.set(key, entry, { expireIn: this.#retentionMs });
      });
      return commit(atomic, ({ versionstamp }) => {
        this.#head = { key: head, value: last + entries.length, versionstamp };
      });
    }, { attempts: Infinity });
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }
}
