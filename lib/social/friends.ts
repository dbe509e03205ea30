/**
 * Friendships, friend requests and blocks in Deno KV. Every change is one atomic commit
 * checked against what it read, so concurrent requests, accepts and blocks never leave a
 * half-written friendship: both `friend` entries, or both entries of a request, change
 * together, and a friendship's commit also rewrites both users' friend digests
 * (`friend_digest.ts`), which tell a connect whom to tell "came online". Every other change of
 * a user's lists (a request sent, declined or withdrawn, a block, an unblock) rewrites their
 * digest unchanged in its commit: the digest's versionstamp dates the lists, so a page that
 * read them before its socket knows from the `welcome` whether to read them again.
 *
 * To a user who is blocked, the blocker looks like an account that does not exist: requests
 * to them get the same 404 as an unknown name (see docs/SECURITY.md).
 *
 * No request, friendship or block lands once either account's deletion has begun: each of those
 * commits checks both user records (`accountsLive`, `Accounts.beginDeletion`), so the deletion's
 * lists find everything that names the account.
 *
 * Friends are never blocked either way: a block ends the friendship in its own commit, and no
 * request can be sent or accepted across a block. So what goes to friends only (presence,
 * profile changes) never reaches a blocked user.
 *
 * @module
 */
import { type Accounts, accountsLive, type UserRecord } from "../accounts/accounts.ts";
import {
  type FriendLists,
  type FriendRequestView,
  MAX_FRIEND_NOTE_CHARS,
  type PresenceView,
  type UserEvent,
} from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { deleteKeys } from "../kv/kv_delete.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import type { PresenceStatus } from "../common/api_types.ts";
import type { PresenceViews } from "../realtime/presence/presence_views.ts";
import type { Profiles } from "../accounts/profiles.ts";
import { countChars } from "../common/protocol.ts";
import {
  type DigestRead,
  type FriendDigest,
  friendIdsOf,
  readForChange,
  touchDigests,
  writeDigest,
} from "./friend_digest.ts";

/** A stored friend request (the same value under both of its keys). */
export interface FriendRequestRecord {
  note: string;
  at: number;
}

/** Sends a live notice to every socket of each user (wired to the broker). */
export type Notify = (users: string[], event: UserEvent) => void;

/** Outcome of {@linkcode Friends.request}: a new pending request, or friends at once. */
export type RequestResult = Outcome<{ status: "pending" | "friends" }>;

/** Largest number of entries in each list of {@linkcode Friends.lists}. */
export const FRIEND_LIST_LIMIT = 500;
/**
 * After a decline, the sender may not ask the same user again for this long: a decline is an
 * answer, and asking again at once would turn requests into a way to pester.
 */
export const DECLINE_COOL_DOWN_MS = 24 * 3_600_000;
const NO_SUCH_USER: Refusal = refusal(404, "refusal.noSuchUser");
const NO_SUCH_REQUEST: Refusal = refusal(404, "refusal.noSuchRequest");

/** Friend requests, friendships and blocks. */
export class Friends {
  #kv: Deno.Kv;
  #clock: Clock;
  #accounts: Accounts;
  #profiles: Profiles;
  #notify: Notify;
  #presence: PresenceViews;

  /**
   * Stores in `kv`; `notify` delivers live notices to the users concerned; `presence` says
   * which friends are online.
   */
  constructor(
    kv: Deno.Kv,
    clock: Clock,
    accounts: Accounts,
    profiles: Profiles,
    notify: Notify,
    presence: PresenceViews,
  ) {
    this.#kv = kv;
    this.#clock = clock;
    this.#accounts = accounts;
    this.#profiles = profiles;
    this.#notify = notify;
    this.#presence = presence;
  }

  /**
   * The account named `username` as `viewerId` may see it: null when there is none, or when
   * it blocked the viewer (the two cases must look the same).
   */
  async visibleUser(viewerId: string, username: string): Promise<UserRecord | null> {
    const user = await this.#accounts.findByName(username);
    if (!user) return null;
    const blocked = await this.#kv.get(keys.block(user.id, viewerId));
    return blocked.versionstamp === null ? user : null;
  }

  /** True when `blockerId` has blocked `blockedId`. */
  async hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.#kv.get(keys.block(blockerId, blockedId))).versionstamp !== null;
  }

  /** True when the two users are friends. */
  async areFriends(userId: string, otherId: string): Promise<boolean> {
    return (await this.#kv.get(keys.friend(userId, otherId))).versionstamp !== null;
  }

  /**
   * Sends a friend request with an optional note (at most 200 code points). When the other
   * user had already asked the sender, the two become friends instead.
   */
  async request(fromId: string, username: string, note = ""): Promise<RequestResult> {
    const cleanNote = note.trim();
    if (countChars(cleanNote) > MAX_FRIEND_NOTE_CHARS) {
      return refusal(400, "refusal.friendNoteLength", { max: MAX_FRIEND_NOTE_CHARS });
    }
    const target = await this.visibleUser(fromId, username);
    if (!target) return NO_SUCH_USER;
    const toId = target.id;
    if (toId === fromId) return refusal(400, "refusal.cannotAddSelf");
    return await transact<RequestResult>("friend request", async () => {
      const read = await this.#kv.getMany([
        keys.block(fromId, toId),
        keys.block(toId, fromId),
        keys.friend(fromId, toId),
        keys.friendRequestOut(fromId, toId),
        keys.friendRequestOut(toId, fromId),
        keys.friendDeclined(fromId, toId),
        keys.user(fromId),
        keys.user(toId),
        keys.friendDigest(fromId),
        keys.friendDigest(toId),
      ]);
      const [blockedByMe, blockedMe, friend, sent, reverse, declined] = read;
      if (blockedMe!.versionstamp || !accountsLive(read.slice(6, 8))) return NO_SUCH_USER;
      if (blockedByMe!.versionstamp) {
        return refusal(409, "refusal.unblockFirst");
      }
      if (friend!.versionstamp) return refusal(409, "refusal.alreadyFriends");
      if (sent!.versionstamp) return refusal(409, "refusal.requestAlreadySent");
      const now = this.#clock.now();
      // KV expiry is lazy: the stored time is what counts. Their own request still befriends.
      const declinedAt = (declined!.value as { at: number } | null)?.at;
      if (!reverse!.versionstamp && declinedAt !== undefined) {
        const left = declinedAt + DECLINE_COOL_DOWN_MS - now;
        if (left > 0) {
          const hours = Math.ceil(left / 3_600_000);
          const coolDown = refusal(429, "refusal.friendRequestCooldown", { hours });
          return { ...coolDown, retryAfterSeconds: Math.ceil(left / 1000) };
        }
      }
      const atomic = this.#kv.atomic().check(...read.slice(0, 8));
      if (reverse!.versionstamp) {
        const digests = await readForChange(this.#kv, [fromId, toId]);
        this.#setFriendship(atomic, fromId, toId, digests, now);
        return commit(atomic, () => {
          this.#notify([fromId, toId], { kind: "friends_changed" });
          return { ok: true, status: "friends" };
        });
      }
      const record: FriendRequestRecord = { note: cleanNote, at: now };
      atomic.set(keys.friendRequestOut(fromId, toId), record)
        .set(keys.friendRequestIn(toId, fromId), record);
      touchDigests(atomic, read.slice(8) as Deno.KvEntryMaybe<FriendDigest>[]);
      return commit(atomic, async () => {
        const sender = await this.#profiles.get(fromId);
        if (sender) {
          const request: FriendRequestView = { user: sender, note: cleanNote, at: now };
          this.#notify([toId], { kind: "friend_request", request });
        }
        this.#notify([fromId], { kind: "friends_changed" });
        return { ok: true, status: "pending" };
      });
    });
  }

  /** Accepts the pending request that `username` sent to `userId`. */
  async accept(userId: string, username: string): Promise<Outcome> {
    const sender = await this.visibleUser(userId, username);
    if (!sender) return NO_SUCH_REQUEST;
    return await transact<Outcome>("accept friend request", async () => {
      const read = await this.#kv.getMany([
        keys.friendRequestIn(userId, sender.id),
        keys.user(userId),
        keys.user(sender.id),
      ]);
      const [incoming, ...users] = read;
      if (incoming!.versionstamp === null || !accountsLive(users)) return NO_SUCH_REQUEST;
      const digests = await readForChange(this.#kv, [userId, sender.id]);
      const atomic = this.#kv.atomic().check(...read);
      this.#setFriendship(atomic, userId, sender.id, digests, this.#clock.now());
      return commit(atomic, () => {
        this.#notify([userId, sender.id], { kind: "friends_changed" });
        return { ok: true };
      });
    });
  }

  /** Declines the pending request that `username` sent to `userId`. */
  async decline(userId: string, username: string): Promise<Outcome> {
    const sender = await this.#accounts.findByName(username);
    if (!sender) return NO_SUCH_REQUEST;
    return await this.#dropRequest(sender.id, userId, userId, true);
  }

  /** Withdraws the pending request `userId` sent to `username`. */
  async cancel(userId: string, username: string): Promise<Outcome> {
    const recipient = await this.#accounts.findByName(username);
    if (!recipient) return NO_SUCH_REQUEST;
    return await this.#dropRequest(userId, recipient.id, userId);
  }

  /** Ends the friendship of `userId` and `username`, on both sides at once. */
  async remove(userId: string, username: string): Promise<Outcome> {
    const friend = await this.#accounts.findByName(username);
    const missing: Refusal = refusal(404, "refusal.noSuchFriend");
    if (!friend) return missing;
    if (!await this.#unfriend(userId, friend.id)) return missing;
    this.#notify([userId, friend.id], { kind: "friends_changed" });
    return { ok: true };
  }

  /**
   * Blocks a user: ends any friendship and pending requests between the two in the same
   * commit. The blocked user is told nothing beyond what an unfriend or decline shows.
   */
  async block(userId: string, username: string): Promise<Outcome> {
    const target = await this.visibleUser(userId, username);
    if (!target) return NO_SUCH_USER;
    const other = target.id;
    if (other === userId) return refusal(400, "refusal.cannotBlockSelf");
    return await transact<Outcome>("block", async () => {
      const read = await this.#kv.getMany([
        keys.friend(userId, other),
        keys.friendRequestOut(userId, other),
        keys.friendRequestOut(other, userId),
        keys.user(userId),
        keys.user(other),
        keys.friendDigest(userId),
        keys.friendDigest(other),
      ]);
      const related = read.slice(0, 3);
      const users = read.slice(3, 5);
      const [mine, theirs] = read.slice(5) as Deno.KvEntryMaybe<FriendDigest>[];
      // The other side's lists change only when a friend or request between them goes.
      const visible = related.some((entry) => entry.versionstamp !== null);
      if (!accountsLive(users)) return NO_SUCH_USER;
      // Checked: a friendship made meanwhile must leave the digests too.
      const atomic = this.#kv.atomic().check(related[0]!, ...users)
        .set(keys.block(userId, other), { at: this.#clock.now() })
        .delete(keys.friendRequestOut(userId, other))
        .delete(keys.friendRequestIn(other, userId))
        .delete(keys.friendRequestOut(other, userId))
        .delete(keys.friendRequestIn(userId, other));
      if (related[0]!.versionstamp !== null) {
        this.#setFriendship(atomic, userId, other, await readForChange(this.#kv, [userId, other]));
      } else {
        touchDigests(atomic, visible ? [mine!, theirs!] : [mine!]);
      }
      return commit(atomic, () => {
        // The other side hears only of a change it could see (a friend or request gone).
        this.#notify(visible ? [userId, other] : [userId], { kind: "friends_changed" });
        return { ok: true };
      });
    });
  }

  /**
   * Removes everything social of an account being deleted: its friendships (both sides),
   * the requests it sent and received (both entries of each), and the blocks it placed.
   * Former friends and requesters are told their lists changed.
   */
  async forget(userId: string): Promise<void> {
    const [friends, incoming, outgoing, blocked] = await Promise.all([
      this.#idsUnder(keys.friends(userId), decode.friend),
      this.#idsUnder(keys.friendRequestsIn(userId), decode.friendRequestIn),
      this.#idsUnder(keys.friendRequestsOut(userId), decode.friendRequestOut),
      this.#idsUnder(keys.blocks(userId), decode.block),
    ]);
    // One commit per friendship, each rewriting the former friend's digest.
    for (const id of friends) await this.#unfriend(userId, id);
    const doomed: Deno.KvKey[] = [
      keys.friendDigest(userId),
      ...incoming.flatMap((
        id,
      ) => [keys.friendRequestIn(userId, id), keys.friendRequestOut(id, userId)]),
      ...outgoing.flatMap((
        id,
      ) => [keys.friendRequestOut(userId, id), keys.friendRequestIn(id, userId)]),
      ...blocked.map((id) => keys.block(userId, id)),
    ];
    await deleteKeys(this.#kv, doomed);
    // The requests' other sides: their lists are dated before they are told.
    for (const id of new Set([...incoming, ...outgoing])) await this.#touch(id);
    const told = [...new Set([...friends, ...incoming, ...outgoing])];
    if (told.length > 0) this.#notify(told, { kind: "friends_changed" });
  }

  /** The ids of the users `userId` blocked (typing notices go neither way between them). */
  async blockedBy(userId: string): Promise<ReadonlySet<string>> {
    return new Set(await this.#idsUnder(keys.blocks(userId), decode.block));
  }

  /** Lifts a block `userId` placed on `username`. */
  async unblock(userId: string, username: string): Promise<Outcome> {
    const target = await this.#accounts.findByName(username);
    const missing: Refusal = refusal(404, "refusal.notBlocked");
    if (!target) return missing;
    const key = keys.block(userId, target.id);
    return await transact<Outcome>("unblock", async () => {
      const [entry, digest] = await this.#kv.getMany<[unknown, FriendDigest]>([
        key,
        keys.friendDigest(userId),
      ]);
      if (entry.versionstamp === null) return missing;
      return commit(touchDigests(this.#kv.atomic().check(entry).delete(key), [digest]), () => {
        this.#notify([userId], { kind: "friends_changed" });
        return { ok: true };
      });
    });
  }

  /**
   * A user's friends (each with whether they are online), incoming and outgoing requests, and
   * the users they blocked.
   */
  async lists(userId: string): Promise<FriendLists> {
    const [friends, incoming, outgoing, blocked] = await Promise.all([
      this.#idsUnder(keys.friends(userId), decode.friend),
      this.#requestsUnder(keys.friendRequestsIn(userId), decode.friendRequestIn),
      this.#requestsUnder(keys.friendRequestsOut(userId), decode.friendRequestOut),
      this.#idsUnder(keys.blocks(userId), decode.block),
    ]);
    const [profiles, presence] = await Promise.all([
      this.#profiles.getMany(friends),
      this.#presence.of(friends),
    ]);
    return {
      friends: profiles.map((profile) => {
        const view = presence.get(profile.id) ?? { status: "offline" };
        return { ...profile, online: view.status !== "offline", presence: view };
      }),
      incoming,
      outgoing,
      blocked: await this.#profiles.getMany(blocked),
    };
  }

  /**
   * Ids of the users a friendship notice about `userId` goes to, from their friend digest:
   * `known` when the caller read it already (null: it was missing), else read here.
   */
  async friendIds(userId: string, known?: FriendDigest | null): Promise<readonly string[]> {
    return await friendIdsOf(this.#kv, userId, known);
  }

  /**
   * Tells the user's friends (and nobody else) that the user came online, went away or
   * offline (with "last seen" unless the user hid it). `known` is the user's friend digest
   * when the caller has it (a connect reads it with the session), so telling costs no read.
   */
  async announcePresence(
    userId: string,
    status: PresenceStatus,
    known?: FriendDigest | null,
  ): Promise<void> {
    const friends = await this.friendIds(userId, known);
    if (friends.length === 0) return;
    // Online or away is all there is to say; only "offline" carries "last seen", read here.
    // The status that changed wins over a read that another node's write may have overtaken.
    const presence: PresenceView = status === "offline"
      ? { ...(await this.#presence.of([userId])).get(userId), status }
      : { status };
    const online = status !== "offline";
    this.#notify([...friends], { kind: "presence", user: userId, online, presence });
  }

  /**
   * Adds to `atomic` the friendship of `a` and `b`, made at `since`, or ended when `since` is
   * undefined, and both users' digests as `digests` read them.
   */
  #setFriendship(
    atomic: Deno.AtomicOperation,
    a: string,
    b: string,
    [digestA, digestB]: DigestRead[],
    since?: number,
  ): void {
    writeDigest(atomic, digestA!, since === undefined ? { remove: b } : { add: b });
    writeDigest(atomic, digestB!, since === undefined ? { remove: a } : { add: a });
    if (since === undefined) {
      atomic.delete(keys.friend(a, b)).delete(keys.friend(b, a));
      return;
    }
    atomic
      .delete(keys.friendRequestOut(a, b))
      .delete(keys.friendRequestIn(b, a))
      .delete(keys.friendRequestOut(b, a))
      .delete(keys.friendRequestIn(a, b))
      .delete(keys.friendDeclined(a, b))
      .delete(keys.friendDeclined(b, a))
      .set(keys.friend(a, b), { since })
      .set(keys.friend(b, a), { since });
  }

  /** Ends the friendship of `a` and `b` in one commit; false when they were not friends. */
  async #unfriend(a: string, b: string): Promise<boolean> {
    return await transact("unfriend", async () => {
      const entry = await this.#kv.get(keys.friend(a, b));
      if (entry.versionstamp === null) return false;
      const atomic = this.#kv.atomic().check(entry);
      this.#setFriendship(atomic, a, b, await readForChange(this.#kv, [a, b]));
      return commit(atomic, () => true);
    });
  }

  async #dropRequest(
    fromId: string,
    toId: string,
    actor: string,
    declined = false,
  ): Promise<Outcome> {
    return await transact<Outcome>("drop friend request", async () => {
      const [entry, ...digests] = await this.#kv.getMany<[unknown, FriendDigest, FriendDigest]>([
        keys.friendRequestOut(fromId, toId),
        keys.friendDigest(fromId),
        keys.friendDigest(toId),
      ]);
      if (entry.versionstamp === null) return NO_SUCH_REQUEST;
      const atomic = this.#kv.atomic().check(entry)
        .delete(keys.friendRequestOut(fromId, toId))
        .delete(keys.friendRequestIn(toId, fromId));
      if (declined) {
        atomic.set(keys.friendDeclined(fromId, toId), { at: this.#clock.now() }, {
          expireIn: DECLINE_COOL_DOWN_MS,
        });
      }
      return commit(touchDigests(atomic, digests), () => {
        this.#notify([actor, actor === fromId ? toId : fromId], { kind: "friends_changed" });
        return { ok: true };
      });
    });
  }

  /** Rewrites `userId`'s digest unchanged ({@linkcode touchDigests}): their lists changed. */
  async #touch(userId: string): Promise<void> {
    await transact("friend lists mark", async () => {
      const entry = await this.#kv.get<FriendDigest>(keys.friendDigest(userId));
      return commit(touchDigests(this.#kv.atomic(), [entry]), () => undefined);
    });
  }

  /** The user ids (told apart by `userOf`) of the first entries under `prefix`. */
  async #idsUnder(prefix: Deno.KvKey, userOf: (key: Deno.KvKey) => string): Promise<string[]> {
    const ids: string[] = [];
    for await (const entry of this.#kv.list({ prefix }, { limit: FRIEND_LIST_LIMIT })) {
      ids.push(userOf(entry.key));
    }
    return ids;
  }

  async #requestsUnder(
    prefix: Deno.KvKey,
    userOf: (key: Deno.KvKey) => string,
  ): Promise<FriendRequestView[]> {
    const records: { id: string; record: FriendRequestRecord }[] = [];
    const list = this.#kv.list<FriendRequestRecord>({ prefix }, { limit: FRIEND_LIST_LIMIT });
    for await (const entry of list) records.push({ id: userOf(entry.key), record: entry.value });
    const views = await Promise.all(records.map(async ({ id, record }) => {
      const user = await this.#profiles.get(id);
      return user ? { user, note: record.note, at: record.at } : null;
    }));
    return views.filter((view): view is FriendRequestView => view !== null);
  }
}
