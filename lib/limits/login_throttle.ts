/**
 * Throttles failed logins per account name and per client address, in fixed windows kept in
 * KV (so every worker and process shares the counts).
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import { keys } from "../kv/kv_keys.ts";
import { WindowCounter } from "./window_counter.ts";

/** Limits of {@linkcode LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failures allowed per account name in one window. Default 5. */
  perUser: number;
  /** Failures allowed per client address in one window. Default 20. */
  perAddress: number;
  /** Window length. Default 15 minutes. */
  windowMs: number;
}

/** Answer of {@linkcode LoginThrottle.check}. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts failed logins and refuses attempts past the limits until the window ends. */
export class LoginThrottle {
  #counter: WindowCounter;
  #options: LoginThrottleOptions;

  /** Stores counts in `kv`; options default to 5 per user and 20 per address per 15 minutes. */
  constructor(kv: Deno.Kv, clock: Clock, options: Partial<LoginThrottleOptions> = {}) {
    this.#options = { perUser: 5, perAddress: 20, windowMs: 15 * 60_000, ...options };
    this.#counter = new WindowCounter(kv, clock, this.#options.windowMs);
  }

  /** Says whether a login attempt for this name from this address may be tried now. */
  async check(name: string, address: string): Promise<ThrottleVerdict> {
    const retryAfterSeconds = await this.#counter.blockedForAny([
      [keys.loginFailures("user", name.toLowerCase()), this.#options.perUser],
      [keys.loginFailures("addr", address), this.#options.perAddress],
    ]);
    return retryAfterSeconds === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds };
  }

  /** Records a failed attempt against both the name and the address. */
  async recordFailure(name: string, address: string): Promise<void> {
    await Promise.all([
      this.#counter.add(keys.loginFailures("user", name.toLowerCase())),
      this.#counter.add(keys.loginFailures("addr", address)),
    ]);
  }

  /** Forgets the failures of an account after a successful login. */
  async clear(name: string): Promise<void> {
    await this.#counter.reset(keys.loginFailures("user", name.toLowerCase()));
  }
}
