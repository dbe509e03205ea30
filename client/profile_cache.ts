/**
 * Display names and avatars by user id for the message list, fed by the API (own profile,
 * friends, DM peers, live `profile` notices) and, for other authors, by one lazy
 * `GET /api/users/…` each.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { PublicProfile } from "../lib/common/api_types.ts";

/** A reactive cache of profiles; reading one in a component re-renders it on change. */
export class ProfileCache {
  readonly #profiles = signal<ReadonlyMap<string, PublicProfile>>(new Map());
  readonly #asked = new Set<string>();
  readonly #lookup: (username: string) => Promise<PublicProfile>;
  readonly #deletedName: string | undefined;

  /**
   * @param lookup Fetches a profile by username; a failure leaves the username shown.
   * @param deletedName The name shown for a deleted account (its profile has `deleted`), in
   *   the reader's language; absent: the empty name the server sends.
   */
  constructor(lookup: (username: string) => Promise<PublicProfile>, deletedName?: string) {
    this.#lookup = lookup;
    this.#deletedName = deletedName;
  }

  /** Stores these profiles (display names, avatars). */
  put(...given: PublicProfile[]): void {
    const known = this.#profiles.peek();
    const deletedName = this.#deletedName;
    const profiles = deletedName === undefined
      ? given
      : given.map((profile) =>
        profile.deleted ? { ...profile, displayName: deletedName } : profile
      );
    const changed = profiles.filter((profile) => {
      const old = known.get(profile.id);
      return old?.displayName !== profile.displayName || old.avatarUrl !== profile.avatarUrl;
    });
    if (changed.length === 0) return;
    const next = new Map(known);
    for (const profile of changed) next.set(profile.id, profile);
    this.#profiles.value = next;
  }

  /** `profile` as the UI shows it: a deleted account's named with `deletedName`. */
  shown(profile: PublicProfile): PublicProfile {
    const deletedName = this.#deletedName;
    if (!profile.deleted || deletedName === undefined) return profile;
    return { ...profile, displayName: deletedName };
  }

  /** The profile of a user, or undefined until it is known (then looked up once). */
  profileOf(id: string, username: string): PublicProfile | undefined {
    const profile = this.#profiles.value.get(id);
    if (profile === undefined && !this.#asked.has(id)) {
      this.#asked.add(id);
      this.#lookup(username).then((found) => this.put(found), () => {});
    }
    return profile;
  }

  /** The display name of a user, or `username` until it is known (then looked up once). */
  nameOf(id: string, username: string): string {
    return this.profileOf(id, username)?.displayName ?? username;
  }
}
