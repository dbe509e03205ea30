/**
 * The members of the rooms the reader opens, for `@mention` completion in the composer and
 * mention highlighting in the message list: one `GET /api/rooms/:id/members` per room, again
 * when the composer starts a mention (so a new member can be named).
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { RoomDetails } from "../lib/common/api_types.ts";

/** A member as a mention needs it. */
export interface MemberName {
  id: string;
  /** Username, as `@name` mentions it. */
  name: string;
  displayName: string;
}

/** A reactive cache of room member lists; reading one in a component re-renders it on change. */
export class RoomMembers {
  readonly #lists = signal<ReadonlyMap<string, readonly MemberName[]>>(new Map());
  readonly #asked = new Set<string>();
  readonly #fetch: (roomId: string) => Promise<RoomDetails>;

  /** @param fetch Reads a room's details; a failure (a direct room, say) leaves it empty. */
  constructor(fetch: (roomId: string) => Promise<RoomDetails>) {
    this.#fetch = fetch;
  }

  /** The members of a room, empty until known (then fetched once). */
  of(roomId: string): readonly MemberName[] {
    const list = this.#lists.value.get(roomId);
    if (list === undefined && !this.#asked.has(roomId)) void this.refresh(roomId);
    return list ?? [];
  }

  /** Whether a lower-cased username is a member of the room, as far as known. */
  has(roomId: string, lowerName: string): boolean {
    return this.of(roomId).some((member) => member.name.toLowerCase() === lowerName);
  }

  /** Fetches a room's members again. */
  async refresh(roomId: string): Promise<void> {
    this.#asked.add(roomId);
    try {
      const { members } = await this.#fetch(roomId);
      const next = new Map(this.#lists.peek());
      next.set(
        roomId,
        members.map(({ user: { id, name, displayName } }) => ({ id, name, displayName })),
      );
      this.#lists.value = next;
    } catch {
      // Not a group room, or offline: no completion, no highlighting; the server still records.
    }
  }
}
