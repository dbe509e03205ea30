/**
 * A {@linkcode Presence} in Deno KV, shared by every worker and process on the same KV. One
 * entry per (user, node) holds its expiry time and is written with the same KV `expireIn`, so
 * a crashed node's entries are deleted eventually. KV deletes expired entries lazily, so every
 * read also compares the stored expiry with the clock.
 *
 * @module
 */
import type { Clock } from "../../common/clock.ts";
import { commitAtomic } from "../../kv/kv_commit.ts";
import { decode, keys } from "../../kv/kv_keys.ts";
import type { Presence } from "./presence.ts";

/** The value of a presence entry. */
export interface PresenceRecord {
  /** Clock time after which the entry no longer counts. */
  expiresAt: number;
}

/** Writes per KV atomic commit (KV allows 1,000 mutations per commit). */
const WRITE_BATCH = 500;
/** Users whose entries are read at once by {@linkcode KvPresence.online}. */
const READ_CONCURRENCY = 50;

/** Presence entries in Deno KV. */
export class KvPresence implements Presence {
  #kv: Deno.Kv;
  #clock: Clock;

  /** Stores in `kv`; `clock` dates entries and decides which have expired. */
  constructor(kv: Deno.Kv, clock: Clock) {
    this.#kv = kv;
    this.#clock = clock;
  }

  async add(node: string, users: readonly string[], ttlMs: number): Promise<void> {
    const record: PresenceRecord = { expiresAt: this.#clock.now() + ttlMs };
    await this.#inBatches(users, (atomic, user) => {
      atomic.set(keys.presence(user, node), record, { expireIn: ttlMs });
    });
  }

  async remove(node: string, users: readonly string[]): Promise<void> {
    await this.#inBatches(users, (atomic, user) => atomic.delete(keys.presence(user, node)));
  }

  async nodesOf(user: string): Promise<string[]> {
    const now = this.#clock.now();
    const nodes: string[] = [];
    for await (const entry of this.#kv.list<PresenceRecord>({ prefix: keys.presenceOf(user) })) {
      if (entry.value.expiresAt > now) nodes.push(decode.presence(entry.key));
    }
    return nodes;
  }

  async online(users: readonly string[]): Promise<Set<string>> {
    const online = new Set<string>();
    for (let i = 0; i < users.length; i += READ_CONCURRENCY) {
      const batch = users.slice(i, i + READ_CONCURRENCY);
      const nodes = await Promise.all(batch.map((user) => this.nodesOf(user)));
      batch.forEach((user, j) => {
        if (nodes[j]!.length > 0) online.add(user);
      });
    }
    return online;
  }

  async #inBatches(
    users: readonly string[],
    mutate: (atomic: Deno.AtomicOperation, user: string) => void,
  ): Promise<void> {
    for (let i = 0; i < users.length; i += WRITE_BATCH) {
      const atomic = this.#kv.atomic();
      for (const user of users.slice(i, i + WRITE_BATCH)) mutate(atomic, user);
      await commitAtomic(atomic);
    }
  }
}
