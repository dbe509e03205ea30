/**
 * Throttles failed logins per account name and per client address, in fixed windows kept in
 * KV (so every worker and process shares the counts).
 *
 * @module
 */
import type { Clock } from "./clock.ts";
import { keys } from "./kv_keys.ts";
import { commitAtomic } from "./kv_commit.ts";

/** Limits of {@linkcode LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failures allowed per account name in one window. Default 5. */
  perUser: number;
  /** Failures allowed per client address in one window. Default 20. */
  perAddress: number;
  /** Window length. Default 15 minutes. */
  windowMs: number;
}

interface FailureWindow {
  count: number;
  startedAt: number;
}

/** Answer of {@linkcode LoginThrottle.check}. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts failed logins and refuses attempts past the limits until the window ends. */
export class LoginThrottle {
  #kv: Deno.Kv;
  #clock: Clock;
  #options: LoginThrottleOptions;

  /** Stores counts in `kv`; options default to 5 per user and 20 per address per 15 minutes. */
  constructor(kv: Deno.Kv, clock: Clock, options: Partial<LoginThrottleOptions> = {}) {
    this.#kv = kv;
    this.#clock = clock;
    this.#options = { perUser: 5, perAddress: 20, windowMs: 15 * 60_000, ...options };
  }

  /** Says whether a login attempt for this name from this address may be tried now. */
  async check(name: string, address: string): Promise<ThrottleVerdict> {
    const [user, addr] = await this.#kv.getMany<[FailureWindow, FailureWindow]>([
      keys.loginFailures("user", name.toLowerCase()),
      keys.loginFailures("addr", address),
    ]);
    const now = this.#clock.now();
    let retryAt = 0;
    for (
      const [entry, limit] of [[user.value, this.#options.perUser], [
        addr.value,
        this.#options.perAddress,
      ]] as const
    ) {
      if (entry && entry.startedAt + this.#options.windowMs > now && entry.count >= limit) {
        retryAt = Math.max(retryAt, entry.startedAt + this.#options.windowMs);
      }
    }
    return retryAt === 0
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.ceil((retryAt - now) / 1000) };
  }

  /** Records a failed attempt against both the name and the address. */
  async recordFailure(name: string, address: string): Promise<void> {
    await Promise.all([
      this.#bump(keys.loginFailures("user", name.toLowerCase())),
      this.#bump(keys.loginFailures("addr", address)),
    ]);
  }

  /** Forgets the failures of an account after a successful login. */
  async clear(name: string): Promise<void> {
    await this.#kv.delete(keys.loginFailures("user", name.toLowerCase()));
  }

  async #bump(key: Deno.KvKey): Promise<void> {
    // A conflict means another failure was just counted, so this ends; giving up would drop one.
    for (;;) {
      const current = await this.#kv.get<FailureWindow>(key);
      const now = this.#clock.now();
      const live = current.value && current.value.startedAt + this.#options.windowMs > now;
      const next: FailureWindow = live && current.value
        ? { count: current.value.count + 1, startedAt: current.value.startedAt }
        : { count: 1, startedAt: now };
      const result = await commitAtomic(
        this.#kv.atomic().check(current)
          .set(key, next, { expireIn: this.#options.windowMs }),
      );
      if (result.ok) return;
    }
  }
}
