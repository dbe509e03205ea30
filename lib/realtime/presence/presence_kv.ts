/**
 * A {@linkcode Presence} in Deno KV, shared by every worker and process on the same KV. One
 * entry per (user, node) holds its expiry time and is written with the same KV `expireIn`, so
 * a crashed node's entries are deleted eventually. KV deletes expired entries lazily, so every
 * read also compares the stored expiry with the clock.
 *
 * @module
 */
import type { Clock } from "../../common/clock.ts";
import { accountsLive } from "../../accounts/accounts.ts";
import { commitAtomic } from "../../kv/kv_commit.ts";
import { commit, transact } from "../../kv/kv_transaction.ts";
import { decode, keys } from "../../kv/kv_keys.ts";
import type { Presence, PresenceStatus } from "./presence.ts";

/** The value of a presence entry. */
export interface PresenceRecord {
  /** Clock time after which the entry no longer counts. */
  expiresAt: number;
  /** Every socket of the user on that node is away. */
  away?: true;
}

/** The value of a "last seen" entry. */
export interface LastSeenRecord {
  /** Clock time at which the user's last socket on any node closed. */
  at: number;
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

  async add(
    node: string,
    users: readonly string[],
    ttlMs: number,
    away?: ReadonlySet<string>,
  ): Promise<void> {
    const active: PresenceRecord = { expiresAt: this.#clock.now() + ttlMs };
    const idle: PresenceRecord = { ...active, away: true };
    await this.#inBatches(users, (atomic, user) => {
      const record = away?.has(user) ? idle : active;
      atomic.set(keys.presence(user, node), record, { expireIn: ttlMs });
    });
  }

  async statuses(users: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const statuses = new Map<string, PresenceStatus>();
    await this.#eachBatch(users, async (user) => {
      const now = this.#clock.now();
      let status: PresenceStatus = "offline";
      for await (const entry of this.#kv.list<PresenceRecord>({ prefix: keys.presenceOf(user) })) {
        if (entry.value.expiresAt <= now) continue;
        status = entry.value.away ? "away" : "online";
        if (status === "online") break;
      }
      statuses.set(user, status);
    });
    return statuses;
  }

  async wentOffline(user: string): Promise<void> {
    const record: LastSeenRecord = { at: this.#clock.now() };
    // Not for an account being deleted: its sockets close as the deletion begins, and their
    // last "offline" may come after it deleted the entry. The commit checks the record as read,
    // so a deletion that began in between fails it, and the next attempt finds the mark.
    await transact("last seen", async () => {
      const account = await this.#kv.get(keys.user(user));
      if (!accountsLive([account])) return;
      return commit(this.#kv.atomic().check(account).set(keys.lastSeen(user), record), () => {});
    });
  }

  async lastSeen(users: readonly string[]): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    await this.#eachBatch(users, async (user) => {
      const entry = await this.#kv.get<LastSeenRecord>(keys.lastSeen(user));
      if (entry.value) seen.set(user, entry.value.at);
    });
    return seen;
  }

  /** Runs `read` for every user, {@linkcode READ_CONCURRENCY} at a time. */
  async #eachBatch(users: readonly string[], read: (user: string) => Promise<void>) {
    for (let i = 0; i < users.length; i += READ_CONCURRENCY) {
      await Promise.all(users.slice(i, i + READ_CONCURRENCY).map(read));
    }
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
