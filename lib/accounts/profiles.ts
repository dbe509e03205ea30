/**
 * Profiles: a display name (default: the username), a status line and an optional uploaded
 * avatar per user, in Deno KV.
 *
 * @module
 */
import { hasDirectionControl, isInvisible } from "../common/text_hygiene.ts";
import {
  ACCOUNT_GONE,
  type Accounts,
  accountsLive,
  checkAccountLive,
  type UserRecord,
} from "./accounts.ts";
import {
  avatarPath,
  MAX_DISPLAY_NAME_CHARS,
  MAX_STATUS_CHARS,
  type PublicProfile,
} from "../common/api_types.ts";
import type { AvatarUpload, StoredAvatar } from "./avatar_image.ts";
import { newId } from "../common/ids.ts";
import { keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { reindexUser } from "../social/user_directory.ts";
import { countChars } from "../common/protocol.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import { isLocale, type Locale } from "../common/i18n/locale.ts";

/** A stored profile. */
export interface ProfileRecord {
  displayName: string;
  status: string;
  /** Version of the uploaded avatar under `keys.userAvatar`; absent: the generated one. */
  avatar?: string;
  /** The UI language the user chose; absent: the browser's (`Accept-Language`). Private. */
  locale?: Locale;
  /** Friends and co-members see no "last seen" time. Private. */
  hideLastSeen?: true;
}

/** Fields of `PATCH /api/me/profile`; omitted ones keep their value. */
export interface ProfileUpdate {
  displayName?: string;
  status?: string;
  /** The UI language; null goes back to the browser's. */
  locale?: Locale | null;
  /** Hides (true) or shows "last seen" to friends and co-members. */
  hideLastSeen?: boolean;
}

/** Outcome of {@linkcode Profiles.update}. */
export type UpdateProfileResult = Outcome<{ profile: PublicProfile }>;

const CONTROL = /\p{Cc}/u;

/** Reads and writes profiles. */
export class Profiles {
  #kv: Deno.Kv;
  #accounts: Accounts;

  /** Stores profiles in `kv`; usernames come from `accounts`. */
  constructor(kv: Deno.Kv, accounts: Accounts) {
    this.#kv = kv;
    this.#accounts = accounts;
  }

  /** The public profile of a user, or null when there is no such account. */
  async get(userId: string): Promise<PublicProfile | null> {
    const [account, stored] = await Promise.all([
      this.#accounts.get(userId),
      this.#kv.get<ProfileRecord>(keys.profile(userId)),
    ]);
    if (!account) return null;
    return publicProfile(account, stored.value);
  }

  /**
   * The stand-in profile of a deleted account that had this username, or null when the name
   * is not one of a deleted account. Its messages keep the username as their author; readers
   * show this profile's `deleted` flag as "deleted user".
   */
  async deletedProfile(username: string): Promise<PublicProfile | null> {
    const id = await this.#accounts.deletedId(username);
    return id === null ? null : deletedProfile(id, username);
  }

  /**
   * The UI language the user saved, or null when they left it to the browser (or there is no
   * such user). Not part of the public profile: only the user's own pages read it.
   */
  async locale(userId: string): Promise<Locale | null> {
    const stored = await this.#kv.get<ProfileRecord>(keys.profile(userId));
    return stored.value?.locale ?? null;
  }

  /** Those of `userIds` who hid their "last seen" (read in batches of ten). */
  async lastSeenHidden(userIds: readonly string[]): Promise<Set<string>> {
    const hidden = new Set<string>();
    for (let i = 0; i < userIds.length; i += 10) {
      const batch = userIds.slice(i, i + 10);
      const records = await this.#kv.getMany<ProfileRecord[]>(batch.map((id) => keys.profile(id)));
      records.forEach((record, j) => {
        if (record.value?.hideLastSeen) hidden.add(batch[j]!);
      });
    }
    return hidden;
  }

  /** Whether the user hid their "last seen" (their own settings read it). */
  async hidesLastSeen(userId: string): Promise<boolean> {
    return (await this.lastSeenHidden([userId])).size > 0;
  }

  /** Profiles of several users, in order, skipping ids without an account. */
  async getMany(userIds: readonly string[]): Promise<PublicProfile[]> {
    const found = await this.getEach(userIds);
    return found.filter((profile): profile is PublicProfile => profile !== null);
  }

  /**
   * The public profiles of `userIds`, in order, null where there is no such account: accounts
   * and profile records read ten per `getMany` (400 DM peers: 80 reads instead of 800).
   */
  async getEach(userIds: readonly string[]): Promise<(PublicProfile | null)[]> {
    const batches: Promise<Deno.KvEntryMaybe<ProfileRecord>[]>[] = [];
    for (let i = 0; i < userIds.length; i += 10) {
      const batch = userIds.slice(i, i + 10).map((id) => keys.profile(id));
      batches.push(this.#kv.getMany<ProfileRecord[]>(batch));
    }
    const [accounts, stored] = await Promise.all([
      this.#accounts.getEach(userIds),
      Promise.all(batches).then((found) => found.flat()),
    ]);
    return accounts.map((account, i) => account && publicProfile(account, stored[i]!.value));
  }

  /**
   * Changes a user's display name and/or status. Both are trimmed; the display name must be
   * 1–40 code points and the status at most 80, neither with control characters; the display
   * name also without direction overrides, and not made only of invisible characters. `locale`
   * must be one of `LOCALES`, or null to follow the browser again.
   */
  async update(userId: string, update: ProfileUpdate): Promise<UpdateProfileResult> {
    const current = await this.get(userId);
    if (!current) return refusal(400, "refusal.noSuchUser");
    const displayName = (update.displayName ?? current.displayName).trim();
    const status = (update.status ?? current.status).trim();
    if (
      displayName.length === 0 || countChars(displayName) > MAX_DISPLAY_NAME_CHARS ||
      CONTROL.test(displayName)
    ) {
      return refusal(400, "refusal.displayNameRule", { max: MAX_DISPLAY_NAME_CHARS });
    }
    if (hasDirectionControl(displayName) || isInvisible(displayName)) {
      return refusal(400, "refusal.displayNameHidden");
    }
    if (countChars(status) > MAX_STATUS_CHARS || CONTROL.test(status)) {
      return refusal(400, "refusal.statusLength", { max: MAX_STATUS_CHARS });
    }
    if (update.locale !== undefined && update.locale !== null && !isLocale(update.locale)) {
      return refusal(400, "refusal.unknownLanguage");
    }
    const profile = await this.#change(userId, (old) => {
      const next: ProfileRecord = { ...old, displayName, status };
      if (update.locale === null) delete next.locale;
      else if (update.locale !== undefined) next.locale = update.locale;
      if (update.hideLastSeen === true) next.hideLastSeen = true;
      else if (update.hideLastSeen === false) delete next.hideLastSeen;
      return next;
    });
    return profile ? { ok: true, profile } : ACCOUNT_GONE;
  }

  /**
   * Stores `image` (already checked by `checkAvatar`) as the user's avatar under a new
   * version, or removes the avatar when `image` is null. Returns the new profile, or null
   * when there is no such account or its deletion began.
   */
  setAvatar(
    userId: string,
    image: AvatarUpload | null,
  ): Promise<PublicProfile | null> {
    const version = newId();
    return this.#change(
      userId,
      (old) => {
        const { avatar: _, ...rest } = old;
        return image ? { ...rest, avatar: version } : rest;
      },
      (atomic) =>
        image
          ? atomic.set(keys.userAvatar(userId), { version, ...image } satisfies StoredAvatar)
          : atomic.delete(keys.userAvatar(userId)),
    );
  }

  /** The user's avatar image if `version` is its current version, else null. */
  async avatar(userId: string, version: string): Promise<StoredAvatar | null> {
    const stored = (await this.#kv.get<StoredAvatar>(keys.userAvatar(userId))).value;
    return stored?.version === version ? stored : null;
  }

  /**
   * Deletes a profile for good (its account is being deleted): the record, the uploaded
   * avatar and the user's entries in the people directory, in one commit.
   */
  async forget(userId: string): Promise<void> {
    const [account, stored] = await Promise.all([
      this.#accounts.get(userId),
      this.#kv.get<ProfileRecord>(keys.profile(userId)),
    ]);
    if (!account) return;
    const { displayName } = publicProfile(account, stored.value);
    const atomic = this.#kv.atomic().delete(keys.profile(userId)).delete(keys.userAvatar(userId));
    // Nothing after: every term of the old names goes.
    reindexUser(atomic, userId, { username: account.name, displayName }, {
      username: "",
      displayName: "",
    });
    await commitAtomic(atomic);
  }

  /**
   * Rewrites the profile record with `edit`, checked against what was read, plus `more`; null
   * when the account is gone or being deleted.
   */
  async #change(
    userId: string,
    edit: (old: ProfileRecord) => ProfileRecord,
    more: (atomic: Deno.AtomicOperation) => Deno.AtomicOperation = (atomic) => atomic,
  ): Promise<PublicProfile | null> {
    return await transact<PublicProfile | null>("profiles", async () => {
      const [entry, stored] = await this.#kv.getMany<[UserRecord, ProfileRecord]>([
        keys.user(userId),
        keys.profile(userId),
      ]);
      // Not once its deletion began: the commit checks the record, so no profile outlives it.
      if (!accountsLive([entry])) return null;
      const account = entry.value!;
      const { displayName, status } = publicProfile(account, stored.value);
      const old: ProfileRecord = { displayName, status };
      if (stored.value?.avatar) old.avatar = stored.value.avatar;
      if (stored.value?.locale) old.locale = stored.value.locale;
      if (stored.value?.hideLastSeen) old.hideLastSeen = true;
      const next = edit(old);
      const atomic = checkAccountLive(this.#kv.atomic(), entry).check(stored)
        .set(keys.profile(userId), next);
      // The directory follows a display-name change in the same commit.
      const username = account.name;
      reindexUser(atomic, userId, { username, displayName }, {
        username,
        displayName: next.displayName,
      });
      return commit(more(atomic), () => publicProfile(account, next));
    });
  }
}

/** The stand-in profile of a deleted account: no name of its own, `deleted` set. */
export function deletedProfile(id: string, username: string): PublicProfile {
  return { id, name: username, displayName: "", status: "", deleted: true };
}

function publicProfile(
  account: { id: string; name: string },
  stored: ProfileRecord | null,
): PublicProfile {
  const profile: PublicProfile = {
    id: account.id,
    name: account.name,
    displayName: stored?.displayName ?? account.name,
    status: stored?.status ?? "",
  };
  if (stored?.avatar) profile.avatarUrl = avatarPath("users", account.id, stored.avatar);
  return profile;
}
