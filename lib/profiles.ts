/**
 * Profiles: a display name (default: the username) and a status line per user, in Deno KV.
 *
 * @module
 */
import type { Accounts } from "./accounts.ts";
import { MAX_DISPLAY_NAME_CHARS, MAX_STATUS_CHARS, type PublicProfile } from "./api_types.ts";
import { commitAtomic } from "./kv_commit.ts";
import { keys } from "./kv_keys.ts";
import { countChars } from "./protocol.ts";

/** A stored profile. */
export interface ProfileRecord {
  displayName: string;
  status: string;
}

/** Fields of `PATCH /api/me/profile`; omitted ones keep their value. */
export interface ProfileUpdate {
  displayName?: string;
  status?: string;
}

/** Outcome of {@linkcode Profiles.update}. */
export type UpdateProfileResult =
  | { ok: true; profile: PublicProfile }
  | { ok: false; message: string };

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
    return {
      id: account.id,
      name: account.name,
      displayName: stored.value?.displayName ?? account.name,
      status: stored.value?.status ?? "",
    };
  }

  /** Profiles of several users, in order, skipping ids without an account. */
  async getMany(userIds: readonly string[]): Promise<PublicProfile[]> {
    const found = await Promise.all(userIds.map((id) => this.get(id)));
    return found.filter((profile): profile is PublicProfile => profile !== null);
  }

  /**
   * Changes a user's display name and/or status. Both are trimmed; the display name must be
   * 1–40 code points and the status at most 80, neither with control characters.
   */
  async update(userId: string, update: ProfileUpdate): Promise<UpdateProfileResult> {
    const current = await this.get(userId);
    if (!current) return { ok: false, message: "No such user" };
    const displayName = (update.displayName ?? current.displayName).trim();
    const status = (update.status ?? current.status).trim();
    if (
      displayName.length === 0 || countChars(displayName) > MAX_DISPLAY_NAME_CHARS ||
      CONTROL.test(displayName)
    ) {
      return {
        ok: false,
        message: `Display name must be 1–${MAX_DISPLAY_NAME_CHARS} characters on one line`,
      };
    }
    if (countChars(status) > MAX_STATUS_CHARS || CONTROL.test(status)) {
      return { ok: false, message: `Status must be at most ${MAX_STATUS_CHARS} characters` };
    }
    const record: ProfileRecord = { displayName, status };
    await commitAtomic(this.#kv.atomic().set(keys.profile(userId), record));
    return { ok: true, profile: { ...current, displayName, status } };
  }
}
