/**
 * The reading side of the KV broker (`broker_kv.ts`): learns that a channel's shard heads moved,
 * by `kv.watch` or by polling, and hands over every entry other nodes appended since the last
 * one it read.
 *
 * @module
 */
import { decode, keys } from "../../kv/kv_keys.ts";
import type { BrokerEvent } from "./broker.ts";
import { parseEntry } from "./broker_kv_entries.ts";

/** Shards per channel. Every node of one chat must use the same number. */
export const SHARDS = 8;

/** How a reader learns of new entries: `kv.watch`, or `kv.getMany` every `pollMs`. */
export type KvReadMode = { mode: "watch" } | { mode: "poll"; pollMs: number };

/** The head keys of a channel's shards, by shard. */
export function shardHeads(channel: string): Deno.KvKey[] {
  return Array.from({ length: SHARDS }, (_, shard) => keys.brokerHead(channel, shard));
}

/** Reads the entries of other nodes on one channel. Create it with {@linkcode KvShardReader.start}. */
export class KvShardReader {
  #kv: Deno.Kv;
  #channel: string;
  #node: string;
  #deliver: (event: BrokerEvent) => void;
  #heads: Deno.KvKey[];
  /** Last seq read, per shard. */
  #seen: number[];
  #reading: Promise<void> = Promise.resolve();
  #stopReading = () => {};
  #wake = () => {};
  #closing = false;

  private constructor(
    kv: Deno.Kv,
    channel: string,
    node: string,
    deliver: (event: BrokerEvent) => void,
    seen: number[],
  ) {
    this.#kv = kv;
    this.#channel = channel;
    this.#node = node;
    this.#deliver = deliver;
    this.#heads = shardHeads(channel);
    this.#seen = seen;
  }

  /**
   * Starts reading `channel` from where its heads are now (older entries are not delivered),
   * handing each event of a node other than `node` to `deliver`, in each node's order.
   */
  static async start(
    kv: Deno.Kv,
    channel: string,
    node: string,
    deliver: (event: BrokerEvent) => void,
    read: KvReadMode,
  ): Promise<KvShardReader> {
    const heads = await kv.getMany<number[]>(shardHeads(channel));
    const reader = new KvShardReader(
      kv,
      channel,
      node,
      deliver,
      heads.map((entry) => entry.value ?? 0),
    );
    if (read.mode === "poll") reader.#poll(read.pollMs);
    else reader.#watch();
    return reader;
  }

  /** Stops reading; resolves once a read in progress has ended. */
  close(): Promise<void> {
    this.#closing = true;
    this.#stopReading();
    return this.#reading;
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
        for (const event of entry.events) this.#deliver(event);
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
}
