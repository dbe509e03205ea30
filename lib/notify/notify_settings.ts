/**
 * Per-user notification levels by conversation, in Deno KV, so every device of a user follows
 * the same choice. Only a choice that differs from the default is stored: choosing the default
 * deletes the entry; every change is told to the user's other devices (a `notify_level` user
 * event, with the write's versionstamp to order it), so their bells follow without a reload.
 * A choice outlives leaving the room (harmless: the browser looks levels up only for the
 * conversations it lists), and is back if the user rejoins.
 *
 * @module
 */
import { decode, keys } from "../kv/kv_keys.ts";
import { isNotifyLevel, type NotifyLevel } from "../common/notify_level.ts";
import type { NotifyLevelChange, NotifyLevelList } from "../common/api_types.ts";
import type { Notify } from "../social/friends.ts";
import { commitAsAccount } from "../accounts/accounts.ts";
import type { Refusal } from "../common/refusal.ts";

/** Reads and writes notification levels. */
export class NotifySettings {
  #kv: Deno.Kv;
  #notify: Notify;

  /** Keeps the levels in `kv`; tells the user's devices of each change through `notify`. */
  constructor(kv: Deno.Kv, notify: Notify) {
    this.#kv = kv;
    this.#notify = notify;
  }

  /**
   * Every level the user chose, by room id, with the version of the latest change they
   * include. The range read is dated by the user's `rooms_mark` (which every level change sets,
   * as every change of their conversation list does), read before and after it: when no change
   * committed in between, the list is the state as of that mark (read again otherwise;
   * changes are a user's clicks, so a second pass is rare and a third rarer).
   */
  async levels(userId: string): Promise<NotifyLevelList> {
    const mark = keys.roomsMark(userId);
    while (true) {
      const before = await this.#kv.get(mark);
      const levels: Record<string, NotifyLevel> = {};
      // Entries written before the mark existed date the list by themselves.
      let version = before.versionstamp ?? "";
      for await (const entry of this.#kv.list({ prefix: keys.notifyLevels(userId) })) {
        if (isNotifyLevel(entry.value)) levels[decode.notifyLevel(entry.key)] = entry.value;
        if (entry.versionstamp > version) version = entry.versionstamp;
      }
      const after = await this.#kv.get(mark);
      if (after.versionstamp === before.versionstamp) return { levels, version };
    }
  }

  /**
   * Stores the user's level in `roomId`, or deletes it when `level` is null (back to the
   * default). The caller has checked membership.
   *
   * @returns The change with the write's versionstamp, as the user's devices are told it; or
   *   `ACCOUNT_GONE` once the account's deletion began (the commit checks the account, so no
   *   level outlives it).
   */
  async setLevel(
    userId: string,
    roomId: string,
    level: NotifyLevel | null,
  ): Promise<NotifyLevelChange | Refusal> {
    const key = keys.notifyLevel(userId, roomId);
    const done = await commitAsAccount(this.#kv, userId, "notify level", (write) => {
      if (level === null) write.delete(key);
      else write.set(key, level);
      write.set(keys.roomsMark(userId), true);
    });
    if (!("versionstamp" in done)) return done;
    const change = { roomId, level, version: done.versionstamp };
    this.#notify([userId], { kind: "notify_level", ...change });
    return change;
  }
}
