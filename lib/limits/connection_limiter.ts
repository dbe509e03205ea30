/**
 * Counts the open WebSockets of this node per user and per client address, and refuses a new
 * one past either limit.
 *
 * @module
 */

/** Open-connection counts with limits per user and per address. */
export class ConnectionLimiter {
  #perUser: number;
  #perAddress: number;
  #users = new Map<string, number>();
  #addresses = new Map<string, number>();

  /** Allows `perUser` sockets per user and `perAddress` per address. */
  constructor(perUser: number, perAddress: number) {
    this.#perUser = perUser;
    this.#perAddress = perAddress;
  }

  /**
   * Counts a new connection when both limits allow it; returns a release function to call
   * once when it closes, or null when refused.
   */
  acquire(user: string, address: string): (() => void) | null {
    const users = this.#users.get(user) ?? 0;
    const addresses = this.#addresses.get(address) ?? 0;
    if (users >= this.#perUser || addresses >= this.#perAddress) return null;
    this.#users.set(user, users + 1);
    this.#addresses.set(address, addresses + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      decrement(this.#users, user);
      decrement(this.#addresses, address);
    };
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 1) - 1;
  if (count <= 0) counts.delete(key);
  else counts.set(key, count);
}
