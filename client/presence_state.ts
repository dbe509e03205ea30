/**
 * Which friends are online, as the browser knows it: seeded from the friend list and updated
 * by live `presence` notices. Each user's flag is a signal, so a component that reads
 * {@linkcode PresenceState.isOnline} re-renders when that user comes or goes.
 *
 * @module
 */
import { batch, type Signal, signal } from "@preact/signals";
import type { FriendView } from "../lib/common/api_types.ts";

/** Online flags per user id; users never heard of are offline. */
export class PresenceState {
  readonly #online = new Map<string, Signal<boolean>>();

  /** Whether `userId` is online; reading it inside a component subscribes the component. */
  isOnline(userId: string): boolean {
    return this.#flag(userId).value;
  }

  /** Applies a live notice. */
  set(userId: string, online: boolean): void {
    this.#flag(userId).value = online;
  }

  /**
   * Takes the friend list's view: each friend's flag as listed, everyone else offline (a
   * former friend, or a user who blocked this one, is shown offline like a stranger).
   */
  replace(friends: readonly FriendView[]): void {
    const listed = new Map(friends.map((friend) => [friend.id, friend.online]));
    batch(() => {
      for (const [id, flag] of this.#online) flag.value = listed.get(id) ?? false;
      for (const [id, online] of listed) this.set(id, online);
    });
  }

  #flag(userId: string): Signal<boolean> {
    let flag = this.#online.get(userId);
    if (!flag) this.#online.set(userId, flag = signal(false));
    return flag;
  }
}
