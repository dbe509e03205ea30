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
import { reindexUser } from "../social/user_directory.ts";

/** A stored account. */
export interface UserRecord extends PublicUser {
  password: PasswordHash;
  createdAt: number;
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

  /** Creates an account; the name is unique ignoring case, even under concurrent registration. */
  async register(name: string, password: string): Promise<RegisterResult> {
    const problem = usernameProblem(name) ?? passwordProblem(password);
    if (problem) return problem;
    const nameKey = keys.userByName(name.toLowerCase());
    if ((await this.#kv.get(nameKey)).value !== null) return taken();
    const user: UserRecord = {
      id: newId(),
      name,
      password: await hashPassword(password),
      createdAt: this.#clock.now(),
    };
    const atomic = this.#kv.atomic()
      .check({ key: nameKey, versionstamp: null })
      .set(nameKey, user.id)
      .set(keys.user(user.id), user);
    // Findable in the people directory from the same commit on.
    const names = { username: name, displayName: name };
    const result = await commitAtomic(reindexUser(atomic, user.id, null, names));
    if (!result.ok) return taken();
    return { ok: true, user: { id: user.id, name: user.name } };
  }

  /**
   * Returns the user whose name and password match, or null. An unknown name costs the same
   * hashing work as a wrong password, so timing does not reveal which accounts exist.
   */
  async authenticate(name: string, password: string): Promise<PublicUser | null> {
    const user = USERNAME_PATTERN.test(name) && passwordProblem(password) === undefined
      ? await this.findByName(name)
      : null;
    if (!user) {
      this.#dummyHash ??= hashPassword("not a real password");
      await verifyPassword(password.slice(0, MAX_PASSWORD_BYTES), await this.#dummyHash);
      return null;
    }
    return await verifyPassword(password, user.password) ? { id: user.id, name: user.name } : null;
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
}

function taken(): Refusal {
  return refusal(409, "refusal.usernameTaken");
}
