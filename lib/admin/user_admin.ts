/**
 * The administrator's view of accounts: list and search them by username, disable and enable
 * them. A disabled account cannot log in (`AuthService.login`), its sessions stop working at
 * the next request (`loadSession`), and its open sockets close at once on every node.
 *
 * @module
 */
import type { Accounts, UserRecord } from "../accounts/accounts.ts";
import type { AuthService } from "../accounts/auth_service.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { keys } from "../kv/kv_keys.ts";
import { type AdminPage, listPage } from "./admin_page.ts";

/** An account as the administrator's list shows it. */
export interface AdminUserRow {
  id: string;
  name: string;
  createdAt: number;
  admin: boolean;
  disabled: boolean;
}

/** Lists, disables and enables accounts for the administrator. */
export class UserAdmin {
  #kv: Deno.Kv;
  #accounts: Accounts;
  #auth: Pick<AuthService, "endAllSessions">;

  /** Lists the name index in `kv`; `auth` ends the sessions of a disabled account. */
  constructor(kv: Deno.Kv, accounts: Accounts, auth: Pick<AuthService, "endAllSessions">) {
    this.#kv = kv;
    this.#accounts = accounts;
    this.#auth = auth;
  }

  /**
   * One page of the accounts whose username starts with `query` (ignoring case), by
   * username: a key-range read of the name index. Deleted accounts (their names stay
   * reserved) are left out.
   */
  async list(query: string, cursor?: string): Promise<AdminPage<AdminUserRow> | Refusal> {
    const prefix = query.trim().toLowerCase();
    return await listPage<string, AdminUserRow>(
      this.#kv,
      { start: keys.userNamesFrom(prefix), end: keys.userNamesUntil(prefix) },
      cursor,
      async (entry) => {
        const user = await this.#accounts.get(entry.value);
        return user && row(user);
      },
    );
  }

  /**
   * Disables (`disabled` true) or enables an account. An administrator cannot disable
   * themselves (nobody would be left to enable them).
   */
  async setDisabled(adminId: string, userId: string, disabled: boolean): Promise<Outcome> {
    if (disabled && adminId === userId) return refusal(400, "refusal.cannotDisableSelf");
    if (!await this.#accounts.setDisabled(userId, disabled)) {
      return refusal(404, "refusal.noSuchUser");
    }
    if (disabled) this.#auth.endAllSessions(userId);
    return { ok: true };
  }
}

function row(user: UserRecord): AdminUserRow {
  return {
    id: user.id,
    name: user.name,
    createdAt: user.createdAt,
    admin: user.admin === true,
    disabled: user.disabled === true,
  };
}
