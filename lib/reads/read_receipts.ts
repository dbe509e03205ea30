/**
 * Read receipts, derived from read markers: who has read how far in a room, and whom to tell
 * live when a member's marker moves.
 *
 * Fan-out: a moved marker is told only to the authors of the messages it passed (at most the
 * newest {@linkcode RECEIPT_SCAN} of them), not to every member, since only an author shows a
 * receipt ("Seen", "Seen by N" sit under your own messages). A read in a room of 10,000 costs
 * one range read and a frame per author's socket, not 10,000 frames. The list of readers (on
 * demand, when a conversation opens) is given only in rooms of at most
 * {@linkcode RECEIPTS_MAX_MEMBERS}.
 *
 * A user who turned receipts off sends none (their marker is told to nobody and left out of
 * every list) and sees none (their list is empty and nobody's reads are told to them).
 *
 * @module
 */
import { isActionEntry, type Reader, RECEIPTS_MAX_MEMBERS } from "../common/protocol.ts";
import { keys } from "../kv/kv_keys.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { membersOfRoom } from "../rooms/memberships.ts";
import { commitAsAccount, type UserRecord } from "../accounts/accounts.ts";
import type { Outcome } from "../common/refusal.ts";
import type { MarkerMove } from "./read_markers.ts";

/** Messages read to find the authors a moved marker passed. */
export const RECEIPT_SCAN = 50;
/** `getMany` takes at most 10 keys. */
const BATCH = 10;

/** Receipt settings and lists. */
export class ReadReceipts {
  #kv: Deno.Kv;
  #store: MessageStore;

  /** Reads settings, markers and members from `kv`, messages from `store`. */
  constructor(kv: Deno.Kv, store: MessageStore) {
    this.#kv = kv;
    this.#store = store;
  }

  /** Whether the user sends and sees receipts (on unless turned off). */
  async enabled(userId: string): Promise<boolean> {
    return (await this.#kv.get(keys.receiptsOff(userId))).versionstamp === null;
  }

  /**
   * Turns the user's receipts on or off; refused with `ACCOUNT_GONE` once the account's
   * deletion began (the commit checks the account, so the setting cannot outlive it).
   */
  async setEnabled(userId: string, enabled: boolean): Promise<Outcome> {
    const key = keys.receiptsOff(userId);
    const done = await commitAsAccount(
      this.#kv,
      userId,
      "read receipts",
      (atomic) => void (enabled ? atomic.delete(key) : atomic.set(key, true)),
    );
    return "versionstamp" in done ? { ok: true } : done;
  }

  /**
   * How far every other member of `room` who shares receipts has read, for `askerId` (a
   * member: the caller checked). Empty when the asker turned receipts off, or the room has
   * more than {@linkcode RECEIPTS_MAX_MEMBERS} members.
   */
  async readers(room: string, askerId: string): Promise<Reader[]> {
    if (!await this.enabled(askerId)) return [];
    const members = await membersOfRoom(this.#kv, room, RECEIPTS_MAX_MEMBERS + 1);
    if (members.length > RECEIPTS_MAX_MEMBERS) return [];
    const others = members.map((m) => m.userId).filter((id) => id !== askerId);
    const readers: Reader[] = [];
    for (let start = 0; start < others.length; start += BATCH / 2) {
      const ids = others.slice(start, start + BATCH / 2);
      const entries = await this.#kv.getMany(
        ids.flatMap((id) => [keys.readMarker(id, room), keys.receiptsOff(id)]),
      );
      const users = await this.#kv.getMany<UserRecord[]>(ids.map((id) => keys.user(id)));
      ids.forEach((id, i) => {
        const marker = entries[2 * i]!.value;
        const off = entries[2 * i + 1]!.versionstamp !== null;
        const user = users[i]!.value;
        if (typeof marker === "number" && !off && user) {
          readers.push({ id, name: user.name, seq: marker });
        }
      });
    }
    return readers;
  }

  /**
   * The users to tell that `readerId` read `room` as far as `move.to`: the authors of the
   * messages the marker passed who share receipts, or none when the reader does not.
   */
  async authorsToTell(room: string, readerId: string, move: MarkerMove): Promise<string[]> {
    if (!await this.enabled(readerId)) return [];
    const count = Math.min(RECEIPT_SCAN, move.to - move.from);
    const passed = await this.#store.before(room, move.to + 1, count);
    const authors = [
      ...new Set(
        passed.filter((m) => m.kind !== "system" && !isActionEntry(m) && m.from !== readerId)
          .map((m) => m.from),
      ),
    ];
    const told: string[] = [];
    for (let start = 0; start < authors.length; start += BATCH) {
      const ids = authors.slice(start, start + BATCH);
      const off = await this.#kv.getMany(ids.map((id) => keys.receiptsOff(id)));
      ids.forEach((id, i) => {
        if (off[i]!.versionstamp === null) told.push(id);
      });
    }
    return told;
  }
}
