/**
 * Which conversation a focused tab of this browser shows, shared through `localStorage`, so a
 * hidden tab does not notify of messages the user is reading in another one. The focused tab
 * writes `{ tab, room, at }` and refreshes it every {@linkcode VIEWING_REFRESH_MS}; an entry
 * older than {@linkcode VIEWING_STALE_MS} (a tab that crashed) is ignored.
 *
 * @module
 */

import type { StorageLike } from "../chat_client_options.ts";
import { newClientId } from "../new_client_id.ts";

const KEY = "chat.viewing";
/** How often the focused tab says again that it is there. */
export const VIEWING_REFRESH_MS = 30_000;
/** An entry not refreshed for this long is a tab that went away without saying so. */
export const VIEWING_STALE_MS = 2 * VIEWING_REFRESH_MS;

interface Entry {
  tab: string;
  room: string;
  at: number;
}

/** This tab's side of the shared entry. */
export class ViewingTabs {
  readonly #storage: StorageLike | null;
  readonly #tab = newClientId();
  readonly #now: () => number;

  /** @param storage The shared storage; null: no other tab is known. */
  constructor(storage: StorageLike | null = globalThis.localStorage ?? null, now = Date.now) {
    this.#storage = storage;
    this.#now = now;
  }

  /** This tab now shows `room` to the user (focused and visible), or nothing (null). */
  set(room: string | null): void {
    if (!this.#storage) return;
    if (room !== null) {
      const entry: Entry = { tab: this.#tab, room, at: this.#now() };
      return this.#storage.setItem(KEY, JSON.stringify(entry));
    }
    if (this.#read()?.tab === this.#tab) this.#storage.removeItem(KEY);
  }

  /** Whether another tab shows `room` to the user right now. */
  isViewedElsewhere(room: string): boolean {
    const entry = this.#read();
    return entry !== null && entry.tab !== this.#tab && entry.room === room &&
      this.#now() - entry.at < VIEWING_STALE_MS;
  }

  #read(): Entry | null {
    try {
      const entry = JSON.parse(this.#storage?.getItem(KEY) ?? "null");
      return typeof entry?.tab === "string" && typeof entry.room === "string" ? entry : null;
    } catch {
      return null;
    }
  }
}
