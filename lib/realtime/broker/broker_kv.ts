/**
 * A {@linkcode Broker} that needs nothing but Deno KV: for Deno Deploy, whose instances may not
 * share a `BroadcastChannel`, and for processes on one machine that share a KV file but no Redis.
 *
 * Each channel has {@linkcode SHARDS} shards. A node appends to one shard, chosen at random when
 * it starts: the events published since its last commit go into one or a few entries (each
 * under the KV value limit), written after the shard's head with the head moved past them in one
 * commit checked against the head it read. A conflict means another node on the same shard
 * committed first, so the node reads the head again and retries. One node commits one batch at a
 * time, and one shard has one order, so the others see a node's events in publish order.
 *
 * Subscribers learn that heads moved in one of two modes:
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
import { decode, keys } from "../../kv/kv_keys.ts";
import { commit, transact } from "../../kv/kv_transaction.ts";
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";
import { type EventText, eventTexts, parseEntry, takeEntries } from "./broker_kv_entries.ts";

/** Shards per channel. Every node of one chat must use the same number. */
export const SHARDS = 8;
/** Entries one commit writes at most (a commit may hold 800 KiB). */
const ENTRIES_PER_COMMIT = 8;

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
  #heads: Deno.KvKey[];
  /** Last seq read, per shard. */
  #seen: number[];
  #handlers = new Set<BrokerHandler>();
  /** Events waiting for the next commit, as JSON texts with their byte sizes. */
  #pending: EventText[] = [];
  #writing?: Promise<void>;
  /** The last commit failed: its failure was logged, and so will be the next success. */
  #failing = false;
  /** This node's shard head as its last commit wrote it. */
  #head?: Deno.KvEntry<number>;
  #reading: Promise<void> = Promise.resolve();
  #stopReading = () => {};
  #wake = () => {};
  #closing?: Promise<void>;

  private constructor(kv: Deno.Kv, channel: string, retentionMs: number, seen: number[]) {
    this.#kv = kv;
    this.#channel = channel;
    this.#retentionMs = retentionMs;
    this.#heads = Array.from({ length: SHARDS }, (_, shard) => keys.brokerHead(channel, shard));
    this.#seen = seen;
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
    const heads = await kv.getMany<number[]>(
      Array.from({ length: SHARDS }, (_, shard) => keys.brokerHead(channel, shard)),
    );
    const broker = new KvBroker(
      kv,
      channel,
      options.retentionMs ?? 60_000,
      heads.map((entry) => entry.value ?? 0),
    );
    if (options.mode === "poll") broker.#poll(options.pollMs ?? 50);
    else broker.#watch();
    return broker;
  }

  publish(event: BrokerEvent): void {
    if (this.#closing) return;
    for (const text of eventTexts(event)) this.#pending.push(text);
    this.#writing ??= this.#write();
    queueMicrotask(() => this.#deliver(event, true));
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Stops reading; events already published are still written before it resolves. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      this.#stopReading();
      await Promise.all([this.#writing, this.#reading]);
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
    const head = this.#heads[this.#shard]!;
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

  /**
   * Reads each time a head moves. A watch that fails or ends (a KV connection lost on Deploy)
   * is opened again after a pause; its first notification then catches up from the seqs
   * already read.
   */
  #watch(): void {
    let reader: ReadableStreamDefaultReader<Deno.KvEntryMaybe<unknown>[]> | undefined;
    this.#stopReading = () => {
      reader?.cancel().catch(() => {});
      this.#wake();
    };
    this.#reading = (async () => {
      for (let failures = 0; !this.#closing; failures++) {
        try {
          reader = this.#kv.watch(this.#heads).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            failures = 0;
            await this.#readUpTo(value.map((entry) => (entry.value as number | null) ?? 0))
              // Tried again at the next notification, from the same seqs.
              .catch((error) => console.error(`kv broker: read failed: ${error}`));
          }
        } catch (error) {
          if (!this.#closing) console.error(`kv broker: watch failed: ${error}`);
        }
        if (!this.#closing) await this.#pause(Math.min(100 * 2 ** failures, 5_000));
      }
    })();
  }

  /** Reads every `intervalMs`. */
  #poll(intervalMs: number): void {
    this.#stopReading = () => this.#wake();
    this.#reading = (async () => {
      let failing = false;
      while (!this.#closing) {
        try {
          const heads = await this.#kv.getMany<number[]>(this.#heads);
          await this.#readUpTo(heads.map((entry) => entry.value ?? 0));
          failing = false;
        } catch (error) {
          // A busy or briefly unreachable KV: the next poll reads from where this one stopped.
          if (!this.#closing && !failing) console.error(`kv broker: poll failed: ${error}`);
          failing = true;
        }
        await this.#pause(intervalMs);
      }
    })();
  }

  /** Waits `ms`, or less when `close()` wakes it. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Delivers every entry after the last one read, up to `heads`, shard by shard. */
  async #readUpTo(heads: number[]): Promise<void> {
    for (let shard = 0; shard < SHARDS; shard++) {
      const head = heads[shard] ?? 0;
      const seen = this.#seen[shard]!;
      // A head behind what was read: the KV was reset; start again from it.
      if (head <= seen) {
        this.#seen[shard] = head;
        continue;
      }
      let expected = seen + 1;
      let lost = 0;
      const entries = this.#kv.list<Uint8Array>({
        start: keys.brokerEntry(this.#channel, shard, seen + 1),
        end: keys.brokerEntry(this.#channel, shard, head + 1),
      });
      for await (const { key, value } of entries) {
        const seq = decode.brokerEntry(key);
        lost += seq - expected;
        expected = seq + 1;
        const entry = parseEntry(value);
        if (entry.node === this.#node) continue;
        for (const event of entry.events) this.#deliver(event, false);
      }
      lost += head + 1 - expected;
      this.#seen[shard] = head;
      if (lost > 0) {
        console.error(
          `kv broker: ${lost} entries of shard ${shard} expired before this node read them`,
        );
      }
    }
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }
}
