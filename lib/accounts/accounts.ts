/**
 * User accounts in Deno KV: registration with case-insensitive unique usernames and login.
 *
 * @module
 */
import type { PublicUser } from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { keys } from "../kv/kv_keys.ts";
import { hashPassword, type PasswordHash, verifyPassword } from "./password.ts";
import { MAX_PASSWORD_BYTES, USERNAME_PATTERN } from "../common/account_rules.ts";
import { passwordProblem, usernameProblem } from "./credential_problems.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { reindexUser } from "../social/user_directory.ts";

/** A stored account. */
export interface UserRecord extends PublicUser {
  password: PasswordHash;
  createdAt: number;
  /** An administrator disabled the account: no login, no session works. */
  disabled?: true;
  /**
   * When the account was last disabled: sessions created up to then stay dead after it is
   * enabled again (sessions are not listed per user, so they are not deleted one by one).
   */
  sessionsEndedAt?: number;
  /**
   * The owner is deleting the account (`AccountDeletion`): it is disabled too, and no friendship,
   * friend request, block, room membership, "last seen" or read marker may name it any more
   * ({@linkcode accountsLive}).
   */
  deleting?: true;
}

/**
 * An account deletion under way (`keys.accountDeletion`): the run that does it holds it until
 * `until` (epoch ms); after that, another run may take it over ({@linkcode Accounts.claimDeletion}).
 */
export interface DeletionClaim {
  until: number;
}

/** A login's account: who it is, whether an administrator disabled it, or its owner is deleting it. */
export interface Authenticated {
  user: PublicUser;
  disabled: boolean;
  /** Its deletion has begun (it is disabled too), and runs on until the record is gone. */
  deleting: boolean;
}

/** Outcome of {@linkcode Accounts.register}. */
export type RegisterResult = Outcome<{ user: PublicUser }>;

/** Registers and authenticates users. */
export class Accounts {
  #kv: Deno.Kv;
  #clock: Clock;
  #dummyHash: Promise<PasswordHash> | undefined;

  /** Uses `kv` for storage and `clock` for creation times. */
  constructor(kv: Deno.Kv, clock: Clock) {
    this.#kv = kv;
    this.#clock = clock;
  }

  /**
   * Creates an account; the name is unique ignoring case, even under concurrent registration.
   * The first account ever created is the administrator: it claims `keys.firstAccount()` in
   * the same commit, checked absent, so of two concurrent first sign-ups one commit fails its
   * check and that sign-up reads again and becomes an ordinary account.
   */
  async register(name: string, password: string): Promise<RegisterResult> {
    const problem = usernameProblem(name) ?? passwordProblem(password);
    if (problem) return problem;
    const nameKey = keys.userByName(name.toLowerCase());
    if ((await this.#kv.get(nameKey)).value !== null) return taken();
    const hash = await hashPassword(password);
    const id = newId();
    const createdAt = this.#clock.now();
    return await transact<RegisterResult>("register", async () => {
      const [byName, first] = await this.#kv.getMany([nameKey, keys.firstAccount()]);
      if (byName.value !== null) return taken();
      const admin = first.value === null;
      const user: UserRecord = { id, name, password: hash, createdAt, ...(admin && ADMIN) };
      const atomic = this.#kv.atomic()
        .check(byName, first)
        .set(nameKey, id)
        .set(keys.user(id), user)
        // No friends yet: the first connect has whom to tell "came online" without a list.
        .set(keys.friendDigest(id), []);
      if (admin) atomic.set(keys.firstAccount(), id);
      // Findable in the people directory from the same commit on.
      reindexUser(atomic, id, null, { username: name, displayName: name });
      return commit(atomic, () => ({ ok: true, user: publicUser(user) }));
    }, { exhausted: taken });
  }

  /**
   * Returns the user whose name and password match, or null. An unknown name costs the same
   * hashing work as a wrong password, so timing does not reveal which accounts exist.
   */
  async authenticate(name: string, password: string): Promise<Authenticated | null> {
    const user = USERNAME_PATTERN.test(name) && passwordProblem(password) === undefined
      ? await this.findByName(name)
      : null;
    if (!user) {
      this.#dummyHash ??= hashPassword("not a real password");
      await verifyPassword(password.slice(0, MAX_PASSWORD_BYTES), await this.#dummyHash);
      return null;
    }
    if (!await verifyPassword(password, user.password)) return null;
    return {
      user: publicUser(user),
      disabled: user.disabled === true,
      deleting: user.deleting === true,
    };
  }

  /** Whether `password` is the password of the account `userId` (false when there is none). */
  async checkPassword(userId: string, password: string): Promise<boolean> {
    const user = await this.get(userId);
    if (!user || passwordProblem(password) !== undefined) return false;
    return await verifyPassword(password, user.password);
  }

  /**
   * Sets or clears the account's `disabled` flag; false when there is no such account, or
   * none to enable: an account being deleted stays disabled until its deletion ends it.
   * Disabling also ends every session created until now, for good.
   */
  async setDisabled(userId: string, disabled: boolean): Promise<boolean> {
    return await this.#disable(userId, disabled, {});
  }

  /**
   * Starts deleting the account: disables it (as {@linkcode setDisabled}), marks it `deleting`
   * and records the deletion as under way ({@linkcode DeletionClaim}, held by its caller for
   * `claimMs`) in the same commit. A commit that ties two accounts together checks both user
   * records ({@linkcode accountsLive}): one that read them before this commit fails its check
   * and, reading again, finds the mark; one that landed before it is found by the deletion's
   * later lists. So none lands after the deletion listed what to remove. False when there is
   * no such account.
   */
  async beginDeletion(userId: string, claimMs: number): Promise<boolean> {
    return await this.#disable(userId, true, DELETING, claimMs);
  }

  /** The ids of the accounts whose deletion began and has not ended, in id order. */
  async *deletionsUnderWay(): AsyncIterable<string> {
    for await (const entry of this.#kv.list({ prefix: keys.accountDeletions() })) {
      yield entry.key[1] as string;
    }
  }

  /**
   * Takes over an account deletion under way whose claim has run out (its run crashed or
   * gave up), for `claimMs`: the account as it is, or null when the deletion is not under way
   * or still held (by a run on this or another node). A deletion whose account record is
   * already gone (cut off after its last step) is only cleared.
   */
  async claimDeletion(userId: string, claimMs: number): Promise<UserRecord | null> {
    return await transact("claim account deletion", async () => {
      const [claim, user] = await this.#kv.getMany<[DeletionClaim, UserRecord]>([
        keys.accountDeletion(userId),
        keys.user(userId),
      ]);
      const now = this.#clock.now();
      if (!claim.value || claim.value.until > now) return null;
      const atomic = this.#kv.atomic().check(claim, user);
      if (!user.value) return commit(atomic.delete(claim.key), () => null);
      const record = user.value;
      return commit(atomic.set(claim.key, { until: now + claimMs }), () => record);
    });
  }

  async #disable(
    userId: string,
    disabled: boolean,
    mark: { deleting?: true },
    claimMs?: number,
  ): Promise<boolean> {
    return await transact("disable account", async () => {
      const entry = await this.#kv.get<UserRecord>(keys.user(userId));
      if (!entry.value) return false;
      // An account being deleted stays disabled: its deletion goes on to the end.
      if (!disabled && entry.value.deleting) return false;
      const { disabled: _, ...rest } = entry.value;
      const now = this.#clock.now();
      const next: UserRecord = disabled
        ? { ...rest, ...mark, disabled: true, sessionsEndedAt: now }
        : rest;
      const atomic = this.#kv.atomic().check(entry).set(keys.user(userId), next);
      if (claimMs !== undefined) {
        atomic.set(keys.accountDeletion(userId), { until: now + claimMs } satisfies DeletionClaim);
      }
      return commit(atomic, () => true);
    });
  }

  /**
   * Deletes the account record (its password hash with it) and ends its deletion's record
   * ({@linkcode beginDeletion}). The name index entry stays, so
   * the name remains reserved: old messages carry it as their author, and a newcomer taking
   * it would be mistaken for the person who left. {@linkcode deletedId} finds it.
   */
  async remove(userId: string): Promise<void> {
    await commitAtomic(
      this.#kv.atomic().delete(keys.user(userId)).delete(keys.accountDeletion(userId)),
    );
  }

  /** The id a deleted account had under this name, or null (no such name, or not deleted). */
  async deletedId(name: string): Promise<string | null> {
    const id = await this.#kv.get<string>(keys.userByName(name.toLowerCase()));
    if (id.value === null) return null;
    return await this.get(id.value) ? null : id.value;
  }

  /** Returns the account with this name (ignoring case), or null. */
  async findByName(name: string): Promise<UserRecord | null> {
    const id = await this.#kv.get<string>(keys.userByName(name.toLowerCase()));
    return id.value === null ? null : await this.get(id.value);
  }

  /** Returns the account with this id, or null. */
  async get(userId: string): Promise<UserRecord | null> {
    return (await this.#kv.get<UserRecord>(keys.user(userId))).value;
  }

  /** The accounts of `userIds`, in order, null where there is none (read ten per `getMany`). */
  async getEach(userIds: readonly string[]): Promise<(UserRecord | null)[]> {
    const batches: Promise<Deno.KvEntryMaybe<UserRecord>[]>[] = [];
    for (let i = 0; i < userIds.length; i += 10) {
      batches.push(this.#kv.getMany<UserRecord[]>(userIds.slice(i, i + 10).map(keys.user)));
    }
    return (await Promise.all(batches)).flat().map((entry) => entry.value);
  }
}

const ADMIN = { admin: true } as const;
const DELETING = { deleting: true } as const;

/**
 * Whether every entry, read at `keys.user(id)`, is an account that exists and is not being
 * deleted. A commit that ties accounts together (a friendship, a friend request, a block, a
 * room membership) or writes what the deletion deletes ("last seen", a read marker) reads their
 * records with its other keys, refuses unless this holds, and checks the entries: see
 * {@linkcode Accounts.beginDeletion} for why that keeps it out of a deletion.
 */
export function accountsLive(entries: readonly Deno.KvEntryMaybe<unknown>[]): boolean {
  return entries.every((entry) => {
    const record = entry.value as UserRecord | null;
    return record !== null && record.deleting !== true;
  });
}

/**
 * The answer to a request its account can no longer make (being deleted, or gone) that slipped
 * past the session check: the one a signed-out or disabled session gets.
 */
export const ACCOUNT_GONE: Refusal = refusal(401, "refusal.notSignedIn");

/**
 * Adds to `atomic` the check of `account`, the user's record (`keys.user`) as the caller read it
 * with its other keys, and returns `atomic`. Every commit that writes a record of one user
 * (a membership, a setting, a quota window) goes through it, so none lands after that user's
 * deletion listed what to remove: see {@linkcode Accounts.beginDeletion}. Throws when `account`
 * is not live ({@linkcode accountsLive}): the caller must refuse first.
 */
export function checkAccountLive(
  atomic: Deno.AtomicOperation,
  account: Deno.KvEntryMaybe<unknown>,
): Deno.AtomicOperation {
  if (!accountsLive([account])) throw new Error(`write for an account not live: ${account.key}`);
  return atomic.check(account);
}

/**
 * Commits a write of `userId`'s own records while the account is live, in the read, check,
 * commit, retry loop of `transact` (named `operation`): each attempt reads the user record,
 * answers {@linkcode ACCOUNT_GONE} when it is gone or being deleted, and otherwise gives
 * `write` an atomic operation that checks it ({@linkcode checkAccountLive}), to which `write`
 * adds its own reads' checks and its writes. `attempts` as for `transact` (default 10).
 *
 * @example Turning a setting on, never after the account's deletion began
 * ```ts
 * const done = await commitAsAccount(kv, userId, "receipts", (atomic) => {
 *   atomic.set(keys.receiptsOff(userId), true);
 * });
 * if (!("versionstamp" in done)) return refusalResponse(c, done);
 * ```
 */
export async function commitAsAccount(
  kv: Deno.Kv,
  userId: string,
  operation: string,
  write: (atomic: Deno.AtomicOperation) => void | Promise<void>,
  attempts?: number,
): Promise<Deno.KvCommitResult | Refusal> {
  return await transact<Deno.KvCommitResult | Refusal>(operation, async () => {
    const account = await kv.get(keys.user(userId));
    if (!accountsLive([account])) return ACCOUNT_GONE;
    const atomic = checkAccountLive(kv.atomic(), account);
    // Added to in place: an AtomicOperation cannot be a promise's value (Deno's guard against
    // a forgotten `commit()` throws).
    await write(atomic);
    return commit(atomic, (result) => result);
  }, { attempts });
}

/** Whether `session` may act for `account`: not disabled, and created after its sessions ended. */
export function sessionAllowed(account: UserRecord, session: { createdAt: number }): boolean {
  if (account.disabled) return false;
  return account.sessionsEndedAt === undefined || session.createdAt > account.sessionsEndedAt;
}

/** What the API shows of an account: id, name, and the admin flag when set. */
export function publicUser(record: UserRecord): PublicUser {
  return record.admin ? { id: record.id, name: record.name, admin: true } : {
    id: record.id,
    name: record.name,
  };
}

function taken(): Refusal {
  return refusal(409, "refusal.usernameTaken");
}
