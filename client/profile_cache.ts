/**
 * Display names by user id for the message list, fed by the API (own profile, friends, DM
 * peers, live `profile` notices) and, for other authors, by one lazy `GET /api/users/…` each.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { PublicProfile } from "../lib/api_types.ts";

/** A reactive cache of display names; reading one in a component re-renders it on change. */
export class ProfileCache {
  readonly #names = signal<ReadonlyMap<string, string>>(new Map());
  readonly #asked = new Set<string>();
  readonly #lookup: (username: string) => Promise<PublicProfile>;

  /** @param lookup Fetches a profile by username; a failure leaves the username shown. */
  constructor(lookup: (username: string) => Promise<PublicProfile>) {
    this.#lookup = lookup;
  }

  /** Stores the display names of these profiles. */
  put(...profiles: PublicProfile[]): void {
    const known = this.#names.peek();
    const changed = profiles.filter((profile) => known.get(profile.id) !== profile.displayName);
    if (changed.length === 0) return;
    const next = new Map(known);
    for (const profile of changed) next.set(profile.id, profile.displayName);
    this.#names.value = next;
  }

  /** The display name of a user, or `username` until it is known (then looked up once). */
  nameOf(id: string, username: string): string {
    const name = this.#names.value.get(id);
    if (name === undefined && !this.#asked.has(id)) {
      this.#asked.add(id);
      this.#lookup(username).then((profile) => this.put(profile), () => {});
    }
    return name ?? username;
  }
}
