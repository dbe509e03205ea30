/**
 * Which friends are online, away or offline (with "last seen"), as the browser knows it:
 * seeded from the friend list and updated by live `presence` notices. Each user's view is a
 * signal, so a component that reads {@linkcode PresenceState.presenceOf} (or `isOnline`)
 * re-renders when that user comes, goes away or leaves.
 *
 * @module
 */
import { batch, type Signal, signal } from "@preact/signals";
import type { FriendView, PresenceView } from "../lib/common/api_types.ts";

const OFFLINE: PresenceView = { status: "offline" };

/** Presence per user id; users never heard of are offline. */
export class PresenceState {
  readonly #views = new Map<string, Signal<PresenceView>>();

  /** Whether `userId` is online or away; reading it inside a component subscribes it. */
  isOnline(userId: string): boolean {
    return this.presenceOf(userId).status !== "offline";
  }

  /** The presence of `userId`; reading it inside a component subscribes the component. */
  presenceOf(userId: string): PresenceView {
    return this.#view(userId).value;
  }

  /** Applies a live notice (`view` absent: from a server that sends only `online`). */
  set(userId: string, online: boolean, view?: PresenceView): void {
    this.#view(userId).value = view ?? (online ? { status: "online" } : OFFLINE);
  }

  /**
   * Takes the friend list's view: each friend as listed, everyone else offline (a former
   * friend, or a user who blocked this one, is shown offline like a stranger).
   */
  replace(friends: readonly FriendView[]): void {
    const listed = new Map(friends.map((friend) => [friend.id, friend]));
    batch(() => {
      for (const [id, view] of this.#views) if (!listed.has(id)) view.value = OFFLINE;
      for (const [id, friend] of listed) this.set(id, friend.online, friend.presence);
    });
  }

  #view(userId: string): Signal<PresenceView> {
    let view = this.#views.get(userId);
    if (!view) this.#views.set(userId, view = signal(OFFLINE));
    return view;
  }
}
