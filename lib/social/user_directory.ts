/**
 * The people directory: prefix search over usernames and display names, kept as one KV entry
 * per (term, user) so a search is one bounded key-range read. Terms are the folded username,
 * the folded display name and each later word of it ("Bob Smith" is found by "smi" too).
 *
 * Every write of an account or a profile calls {@linkcode reindexUser} in the same atomic
 * commit, so a renamed user is found by the new name and never by the old one. Accounts made
 * before the directory are added once by {@linkcode backfillUserDirectory} at startup.
 *
 * A search needs `MIN_SEARCH_CHARS` code points (two with a CJK character), is rate
 * limited per user, returns at most {@linkcode DIRECTORY_RESULTS_MAX} people, never the
 * searcher, never someone who blocked the searcher or whom the searcher blocked.
 *
 * @module
 */
import type { PublicProfile } from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import {
  DIRECTORY_RESULTS_MAX,
  foldName,
  MAX_SEARCH_CHARS,
  minSearchChars,
  searchable,
} from "../common/directory_rules.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import type { Profiles } from "../accounts/profiles.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import type { TokenBuckets } from "../limits/token_bucket.ts";

/**
 * Index entries one search reads at most. A user has a few terms and a searcher may have
 * blocked many matches, so this bounds the work of a search whatever the data: 200 keys is
 * one KV list call (about 1 ms on a local file).
 */
export const DIRECTORY_SCAN_MAX = 200;

/** Searches a user may make per second, sustained (the search box waits for a pause in typing). */
export const DIRECTORY_SEARCH_RATE = 1;
/** Searches a user may make at once before the rate applies. */
export const DIRECTORY_SEARCH_BURST = 10;

/** The folded directory terms of a user: username, display name and its later words. */
export function directoryTerms(username: string, displayName: string): string[] {
  const name = foldName(displayName);
  const words = name.split(" ").slice(1);
  return [...new Set([foldName(username), name, ...words].filter((term) => term !== ""))];
}

/**
 * Adds to `atomic` the directory changes of a user whose username or display name went from
 * `before` (null for a new account) to `after`: removes the terms that went, adds the new ones.
 */
export function reindexUser(
  atomic: Deno.AtomicOperation,
  userId: string,
  before: { username: string; displayName: string } | null,
  after: { username: string; displayName: string },
): Deno.AtomicOperation {
  const old = before ? directoryTerms(before.username, before.displayName) : [];
  const next = directoryTerms(after.username, after.displayName);
  for (const term of old) if (!next.includes(term)) atomic.delete(keys.userDirectory(term, userId));
  for (const term of next) {
    if (!old.includes(term)) atomic.set(keys.userDirectory(term, userId), true);
  }
  return atomic;
}

/** Searches the directory for one user at a time. */
export class UserDirectory {
  #kv: Deno.Kv;
  #profiles: Profiles;
  #limiter: TokenBuckets;

  /** Reads the index in `kv` and profiles from `profiles`; `limiter` meters each searcher. */
  constructor(kv: Deno.Kv, profiles: Profiles, limiter: TokenBuckets) {
    this.#kv = kv;
    this.#profiles = profiles;
    this.#limiter = limiter;
  }

  /**
   * The people whose username, display name or a later word of it starts with `query`
   * (folded), as `viewerId` may see them: sorted by the matching term, at most
   * {@linkcode DIRECTORY_RESULTS_MAX}. A query too short is refused (400) before it costs a
   * token; past the rate, 429 with the wait.
   */
  async search(viewerId: string, query: string): Promise<Outcome<{ users: PublicProfile[] }>> {
    const folded = [...foldName(query)].slice(0, MAX_SEARCH_CHARS).join("");
    if (!searchable(folded)) {
      return refusal(400, "refusal.searchTooShort", { min: minSearchChars(folded) });
    }
    const allowed = this.#limiter.take(viewerId);
    if (!allowed.ok) {
      const wait = Math.max(1, Math.ceil(allowed.retryAfterMs / 1000));
      return { ...refusal(429, "refusal.searchRateLimited"), retryAfterSeconds: wait };
    }
    const ids: string[] = [];
    const entries = this.#kv.list(
      { start: keys.userDirectoryFrom(folded), end: keys.userDirectoryUntil(folded) },
      { limit: DIRECTORY_SCAN_MAX },
    );
    for await (const entry of entries) {
      const id = decode.userDirectory(entry.key);
      if (id !== viewerId && !ids.includes(id)) ids.push(id);
    }
    const visible = await this.#notBlocked(viewerId, ids);
    return { ok: true, users: await this.#profiles.getMany(visible) };
  }

  /** The first {@linkcode DIRECTORY_RESULTS_MAX} of `ids` with no block either way. */
  async #notBlocked(viewerId: string, ids: readonly string[]): Promise<string[]> {
    const visible: string[] = [];
    // Five users per read: getMany takes at most ten keys.
    for (let i = 0; i < ids.length && visible.length < DIRECTORY_RESULTS_MAX; i += 5) {
      const batch = ids.slice(i, i + 5);
      const blocks = await this.#kv.getMany(
        batch.flatMap((id) => [keys.block(id, viewerId), keys.block(viewerId, id)]),
      );
      batch.forEach((id, j) => {
        const blocked = blocks[2 * j]!.versionstamp || blocks[2 * j + 1]!.versionstamp;
        if (!blocked && visible.length < DIRECTORY_RESULTS_MAX) visible.push(id);
      });
    }
    return visible;
  }
}

/**
 * Adds every account made before the directory existed, once: later starts see the marker
 * and skip. Accounts registered meanwhile are indexed by their own commit; writing one again
 * is harmless (the same key and value).
 */
export async function backfillUserDirectory(kv: Deno.Kv, profiles: Profiles, clock: Clock) {
  if ((await kv.get(keys.userDirectoryBuilt())).versionstamp) return;
  let atomic = kv.atomic();
  let writes = 0;
  for await (const entry of kv.list({ prefix: keys.users() })) {
    const id = decode.user(entry.key);
    const profile = await profiles.get(id);
    if (!profile) continue;
    reindexUser(atomic, id, null, { username: profile.name, displayName: profile.displayName });
    // A few terms per user; stay far below the 1,000 mutations of one commit.
    if (++writes % 100 === 0) {
      await commitAtomic(atomic);
      atomic = kv.atomic();
    }
  }
  await commitAtomic(atomic.set(keys.userDirectoryBuilt(), { at: clock.now() }));
}
