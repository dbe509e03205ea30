import type { StorageLike } from "../chat_client_options.ts";

/** A `localStorage` stand-in backed by a `Map`, shared by clients to simulate a reload. */
export class MemoryStorage implements StorageLike {
  /** Everything stored. */
  readonly items = new Map<string, string>();

  /** The value under `key`, or `null`. */
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  /** Stores a value. */
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }

  /** Removes a value. */
  removeItem(key: string): void {
    this.items.delete(key);
  }
}
