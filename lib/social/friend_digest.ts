/**
 * The friend digest: a user's friend ids in one KV value beside the user record
 * (`["friend_ids", userId]`), so that a connect learns whom to tell "came online" from the read
 * it makes anyway (the session and the user, one `getMany`) instead of listing
 * `["friend", userId]` (one `list` per connect, 44 to 71 µs of CPU here even for a user with no
 * friends; BENCHMARKS.md, "Connect storm, round four").
 *
 * Kept exact by one rule: every commit that adds or removes a `friend` entry of a user also
 * checks that user's digest as it read it and writes the new one ({@linkcode readForChange},
 * {@linkcode writeDigest}). Of two changes racing on one user, the second commit's check fails
 * and it reads again, so neither drops the other's id. A digest that is missing (an account
 * from before it existed) is built from the list by the first change of the user's friends, or
 * by the first presence notice that needs it ({@linkcode friendIdsOf}), whose write is checked
 * to find it still missing: no change committed in between, since each would have written it;
 * and to find the account live (`accountsLive`), so a deleted account's last "offline" notice
 * does not write its digest back.
 *
 * The digest's versionstamp also dates the user's friend lists (friends, requests, blocks): a
 * commit that changes their requests or blocks rewrites it unchanged ({@linkcode touchDigests}).
 *
 * A user with more than {@linkcode FRIEND_DIGEST_MAX} friends has the digest `"many"`, and their
 * friends are listed as before (the first {@linkcode FRIEND_DIGEST_MAX}, as the list always did).
 *
 * @module
 */
import { accountsLive } from "../accounts/accounts.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";

/** Most friend ids a digest holds (about 12 KB); beyond, it says `"many"`. */
export const FRIEND_DIGEST_MAX = 500;

/** A stored digest: the user's friend ids, or `"many"` when they have more than the maximum. */
export type FriendDigest = readonly string[] | "many";

/** A user's digest as a change read it, and their friends then. */
export interface DigestRead {
  /** The digest entry, checked by the change's commit (missing: versionstamp null). */
  readonly entry: Deno.KvEntryMaybe<FriendDigest>;
  /** The user's friend ids before the change, or `"many"` (more than the maximum plus one). */
  readonly friends: ReadonlySet<string> | "many";
}

/**
 * Reads the digests of `users` (at most 10) for a commit that changes their friendships; a
 * missing or `"many"` digest is completed from the user's `friend` entries, which the check of
 * the digest keeps valid until the commit.
 */
export async function readForChange(
  kv: Deno.Kv,
  users: readonly string[],
): Promise<DigestRead[]> {
  const entries = await kv.getMany<FriendDigest[]>(users.map(keys.friendDigest));
  return await Promise.all(entries.map(async (entry, i) => {
    if (Array.isArray(entry.value)) return { entry, friends: new Set(entry.value) };
    // One more than a digest holds, plus one: a removal then still leaves "many".
    const listed = await listFriendIds(kv, users[i]!, FRIEND_DIGEST_MAX + 2);
    return { entry, friends: listed.length > FRIEND_DIGEST_MAX + 1 ? "many" : new Set(listed) };
  }));
}

/**
 * Adds to `atomic` the check of `read` and the user's new digest, with `add` made a friend or
 * `remove` no longer one.
 */
export function writeDigest(
  atomic: Deno.AtomicOperation,
  read: DigestRead,
  change: { add?: string; remove?: string },
): Deno.AtomicOperation {
  let next: FriendDigest = "many";
  if (read.friends !== "many") {
    const friends = new Set(read.friends);
    if (change.add !== undefined) friends.add(change.add);
    if (change.remove !== undefined) friends.delete(change.remove);
    if (friends.size <= FRIEND_DIGEST_MAX) next = [...friends];
  }
  return atomic.check(read.entry).set(read.entry.key, next);
}

/**
 * Adds to `atomic` the rewrite, unchanged and checked as read, of each stored digest of
 * `entries`: a change of a user's requests or blocks leaves their friends as they were, yet
 * moves the digest's versionstamp, which dates all of the user's friend lists (a socket's
 * `welcome` carries it, and a page that read older lists reads them again). A missing digest
 * stays missing (an account from before digests, whose first connect builds it; or one being
 * deleted, which must not get it back); a change racing on the user fails the check.
 */
export function touchDigests(
  atomic: Deno.AtomicOperation,
  entries: readonly Deno.KvEntryMaybe<FriendDigest>[],
): Deno.AtomicOperation {
  for (const entry of entries) {
    if (entry.versionstamp !== null) atomic.check(entry).set(entry.key, entry.value);
  }
  return atomic;
}

/**
 * The ids of `userId`'s friends (the first {@linkcode FRIEND_DIGEST_MAX} when they have more).
 * `known` is the digest as the caller read it already (null: missing), or undefined to read it
 * here. A missing digest is built from the list and written, checked to be still missing, so
 * each user's friends are listed once; a lost race leaves the other writer's digest.
 */
export async function friendIdsOf(
  kv: Deno.Kv,
  userId: string,
  known?: FriendDigest | null,
): Promise<readonly string[]> {
  const digest = known === undefined
    ? (await kv.get<FriendDigest>(keys.friendDigest(userId))).value
    : known;
  if (Array.isArray(digest)) return digest;
  if (digest === "many") return await listFriendIds(kv, userId, FRIEND_DIGEST_MAX);
  const [listed, user] = await Promise.all([
    listFriendIds(kv, userId, FRIEND_DIGEST_MAX + 1),
    kv.get(keys.user(userId)),
  ]);
  const key = keys.friendDigest(userId);
  const built: FriendDigest = listed.length > FRIEND_DIGEST_MAX ? "many" : listed;
  // Not for an account being deleted (a last "offline" notice after its digest went).
  if (accountsLive([user])) {
    await commitAtomic(kv.atomic().check({ key, versionstamp: null }, user).set(key, built));
  }
  return listed.slice(0, FRIEND_DIGEST_MAX);
}

/** The first `limit` friend ids of `userId`, listed from their `friend` entries. */
async function listFriendIds(kv: Deno.Kv, userId: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: keys.friends(userId) }, { limit })) {
    ids.push(decode.friend(entry.key));
  }
  return ids;
}
