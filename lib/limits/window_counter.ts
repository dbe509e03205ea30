/**
 * Fixed-window counters in Deno KV, shared by every worker and process: how many times a
 * subject did something in the current window. Used for failed logins and room creation.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { commitAsAccount } from "../accounts/accounts.ts";

interface Window {
  count: number;
  startedAt: number;
}

/** Counts events per KV key in windows of `windowMs`. */
export class WindowCounter {
  #kv: Deno.Kv;
  #clock: Clock;
  #windowMs: number;

  /** Windows of `windowMs`, timed by `clock`, stored in `kv`. */
  constructor(kv: Deno.Kv, clock: Clock, windowMs: number) {
    this.#kv = kv;
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  /**
   * When `key` has reached `limit` in its current window: seconds until that window ends.
   * Otherwise 0.
   */
  async blockedFor(key: Deno.KvKey, limit: number): Promise<number> {
    return this.#secondsLeft((await this.#kv.get<Window>(key)).value, limit);
  }

  /** Like {@linkcode blockedFor} for several keys at once (at most 10); the longest wait. */
  async blockedForAny(entries: [Deno.KvKey, number][]): Promise<number> {
    const windows = await this.#kv.getMany<Window[]>(entries.map(([key]) => key));
    return Math.max(
      0,
      ...windows.map((entry, i) => this.#secondsLeft(entry.value, entries[i]![1])),
    );
  }

  /**
   * Counts one event against `key`. Every concurrent event is counted. A window of one user's
   * (`owner`: a quota such as `keys.roomsCreated`) is counted only while the account is live,
   * checked in the commit, so a request that ends as its account is deleted leaves no window
   * behind the deletion.
   */
  async add(key: Deno.KvKey, owner?: string): Promise<void> {
    const count = async (atomic: Deno.AtomicOperation) => {
      const current = await this.#kv.get<Window>(key);
      const now = this.#clock.now();
      const live = current.value && current.value.startedAt + this.#windowMs > now;
      const next: Window = live && current.value
        ? { count: current.value.count + 1, startedAt: current.value.startedAt }
        : { count: 1, startedAt: now };
      atomic.check(current).set(key, next, { expireIn: this.#windowMs });
    };
    // No attempt limit: every conflict means another event was just counted, so the events
    // as a whole always progress, and giving up would let one go uncounted.
    if (owner !== undefined) {
      await commitAsAccount(this.#kv, owner, "count event", count, Infinity);
      return;
    }
    await transact("count event", async () => {
      const atomic = this.#kv.atomic();
      await count(atomic);
      return commit(atomic, () => {});
    }, { attempts: Infinity });
  }

  /** Forgets the count of `key`. */
  async reset(key: Deno.KvKey): Promise<void> {
    await commitAtomic(this.#kv.atomic().delete(key));
  }

  #secondsLeft(window: Window | null, limit: number): number {
    const now = this.#clock.now();
    if (!window || window.startedAt + this.#windowMs <= now || window.count < limit) return 0;
    return Math.ceil((window.startedAt + this.#windowMs - now) / 1000);
  }
}
