/**
 * Reported messages: a member reports someone else's message they can read, with an optional
 * reason, and a member's device reports an encrypted room's handshake (an MLS commit) that
 * failed to parse or verify, once per commit whoever reports it; the administrator lists the open reports (the message as it is now, its room, who
 * reported it) and dismisses one, deletes the message (an ordinary delete action, written by
 * the administrator as a moderator), or disables its author. Each of those closes the report.
 *
 * @module
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { serverClientId } from "../common/client_id.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { countChars, isActionEntry } from "../common/protocol.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { keys } from "../kv/kv_keys.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import type { WindowCounter } from "../limits/window_counter.ts";
import type { MessageLookup } from "../messages/message_store.ts";
import type { MessageWriter } from "../messages/message_writer.ts";
import { readRooms, type Rooms } from "../rooms/rooms.ts";
import type { UserAdmin } from "./user_admin.ts";
import { type AdminPage, listPage } from "./admin_page.ts";

/** Longest reason of a report, in code points. */
export const MAX_REPORT_REASON_CHARS = 500;
/** Reports one user may make per hour (of messages and of handshakes alike). */
export const REPORTS_PER_HOUR = 20;
/** Longest reason of a handshake report (the MLS library's error), in code points. */
export const MAX_HANDSHAKE_REASON_CHARS = 200;

/** A stored open report. */
export interface ReportRecord {
  id: string;
  room: string;
  seq: number;
  /** User id of who reported it. */
  reporter: string;
  reason: string;
  at: number;
  /**
   * `handshake`: a member's device could not parse or verify this MLS commit and rejected it
   * (the administrator cannot read it either; its sender is who to look at).
   */
  kind?: "handshake";
}

/** An open report as the administrator sees it. */
export interface ReportView extends ReportRecord {
  /** The room's name; absent once the room was deleted. */
  roomName?: string;
  reporterName: string;
  /** The message as it is now; null once it (or its room) is gone. */
  message: ChatMessage | null;
}

const NO_SUCH_MESSAGE = refusal(404, "refusal.noSuchMessage");
const CONTROL = /(?!\n)\p{Cc}/u;

/** What {@linkcode Reports} works with. */
export interface ReportsDeps {
  kv: Deno.Kv;
  clock: Clock;
  accounts: Accounts;
  rooms: Pick<Rooms, "isMember">;
  store: Pick<MessageLookup, "get">;
  writer: Pick<MessageWriter, "write">;
  users: Pick<UserAdmin, "setDisabled">;
  /** Counts reports per user and hour. */
  counter: WindowCounter;
}

/** Takes reports from members and hands them to the administrator. */
export class Reports {
  #deps: ReportsDeps;

  /** Wires the reports to storage, the message log and the account switches. */
  constructor(deps: ReportsDeps) {
    this.#deps = deps;
  }

  /**
   * Reports the message at `seq` in `room` for `userId`. Refused as a message that does not
   * exist unless they are a member of the room and it is someone else's message, not deleted;
   * refused past {@linkcode REPORTS_PER_HOUR}.
   */
  async report(
    userId: string,
    room: string,
    seq: number,
    reason: string,
  ): Promise<Outcome<{ id: string }>> {
    const { kv } = this.#deps;
    const admitted = await this.#admit(userId, room, seq, reason, false);
    if (!admitted.ok) return admitted;
    const record = this.#recordOf(userId, room, seq, admitted.text);
    await commitAtomic(kv.atomic().set(keys.report(record.id), record));
    return { ok: true, id: record.id };
  }

  /**
   * Reports, for `userId`'s device, that the MLS commit at `seq` in encrypted room `room` failed
   * to parse or verify there, or that its Welcome could not be processed (`reason`: the
   * library's error, at most {@linkcode MAX_HANDSHAKE_REASON_CHARS}). Refused as a message that
   * does not exist unless they are a member and the entry is a commit, not deleted (one of
   * their own user's is allowed: made by another of their devices); counted in the same
   * hourly limit as other reports. A commit already reported (by any member) keeps its one
   * open report: the answer is that report's id, and nothing is written.
   */
  async reportHandshake(
    userId: string,
    room: string,
    seq: number,
    reason: string,
  ): Promise<Outcome<{ id: string }>> {
    const { kv } = this.#deps;
    const admitted = await this.#admit(userId, room, seq, reason, true);
    if (!admitted.ok) return admitted;
    const once = keys.handshakeReport(room, seq);
    const record = this.#recordOf(userId, room, seq, admitted.text, "handshake");
    const { id } = record;
    const made = await kv.atomic().check({ key: once, versionstamp: null })
      .set(once, id).set(keys.report(id), record).commit();
    if (made.ok) return { ok: true, id };
    const known = (await kv.get<string>(once)).value;
    return { ok: true, id: known ?? id };
  }

  /** A new open report of the entry at `seq` of `room` by `reporter`, made now. */
  #recordOf(
    reporter: string,
    room: string,
    seq: number,
    reason: string,
    kind?: "handshake",
  ): ReportRecord {
    const record: ReportRecord = {
      id: this.#newId(),
      room,
      seq,
      reporter,
      reason,
      at: this.#deps.clock.now(),
    };
    return kind ? { ...record, kind } : record;
  }

  /**
   * Checks a report of the entry at `seq` of `room` by `userId` and counts it: the reason's
   * length and characters, the membership, someone else's entry that is not deleted (a commit
   * for a `handshake` report, a user message otherwise), and the hourly limit. The trimmed
   * reason when it may be written.
   */
  async #admit(
    userId: string,
    room: string,
    seq: number,
    reason: string,
    handshake: boolean,
  ): Promise<Outcome<{ text: string }>> {
    const max = handshake ? MAX_HANDSHAKE_REASON_CHARS : MAX_REPORT_REASON_CHARS;
    const text = reason.trim();
    if (countChars(text) > max || CONTROL.test(text)) {
      return refusal(400, "refusal.reportReason", { max });
    }
    if (!await this.#deps.rooms.isMember(room, userId)) return NO_SUCH_MESSAGE;
    const message = await this.#deps.store.get(room, seq);
    if (!message || message.kind === "system" || isActionEntry(message) || message.deleted) {
      return NO_SUCH_MESSAGE;
    }
    if ((message.e2e?.kind === "commit") !== handshake) return NO_SUCH_MESSAGE;
    // A device may reject a commit (or its Welcome) made by another device of its own user.
    if (message.from === userId && !handshake) return refusal(400, "refusal.reportOwnMessage");
    const counterKey = keys.reportsMade(userId);
    const wait = await this.#deps.counter.blockedFor(counterKey, REPORTS_PER_HOUR);
    if (wait > 0) return { ...refusal(429, "refusal.tooManyReports"), retryAfterSeconds: wait };
    await this.#deps.counter.add(counterKey, userId);
    return { ok: true, text };
  }

  /** A report id: the time first, so the key order of `report` is the order they came in. */
  #newId(): string {
    return `${this.#deps.clock.now().toString(36).padStart(9, "0")}-${newId().slice(0, 10)}`;
  }

  /** One page of open reports, oldest first, each with its message as it is now. */
  async list(cursor?: string): Promise<AdminPage<ReportView> | Refusal> {
    const { kv, accounts, store } = this.#deps;
    return await listPage<ReportRecord, ReportView>(
      kv,
      { prefix: keys.reports() },
      cursor,
      async ({ value: report }) => {
        const [[room], reporter, message] = await Promise.all([
          readRooms(kv, [report.room]),
          accounts.get(report.reporter),
          store.get(report.room, report.seq),
        ]);
        const view: ReportView = {
          ...report,
          reporterName: reporter?.name ?? "",
          message: room ? message : null,
        };
        if (room) view.roomName = room.name;
        return view;
      },
    );
  }

  /** Closes a report and changes nothing else. */
  async dismiss(reportId: string): Promise<Outcome> {
    const report = await this.#get(reportId);
    if (!report) return refusal(404, "refusal.noSuchReport");
    await this.#close(reportId);
    return { ok: true };
  }

  /**
   * Deletes the reported message through the message log, as `admin` (a moderator delete:
   * every subscriber sees it go, its attachments are released), and closes the report.
   */
  async deleteMessage(admin: { id: string; name: string }, reportId: string): Promise<Outcome> {
    const report = await this.#get(reportId);
    if (!report) return refusal(404, "refusal.noSuchReport");
    const message = await this.#deps.store.get(report.room, report.seq);
    if (message && !message.deleted) {
      await this.#deps.writer.write({
        room: report.room,
        from: admin.id,
        author: admin.name,
        clientId: serverClientId(this.#deps.clock.now()),
        text: "",
        kind: "delete",
        target: report.seq,
      });
    }
    await this.#close(reportId);
    return { ok: true };
  }

  /** Disables the reported message's author (see `UserAdmin.setDisabled`) and closes it. */
  async disableAuthor(adminId: string, reportId: string): Promise<Outcome> {
    const report = await this.#get(reportId);
    if (!report) return refusal(404, "refusal.noSuchReport");
    const message = await this.#deps.store.get(report.room, report.seq);
    if (!message) return NO_SUCH_MESSAGE;
    const result = await this.#deps.users.setDisabled(adminId, message.from, true);
    if (!result.ok) return result;
    await this.#close(reportId);
    return { ok: true };
  }

  async #get(reportId: string): Promise<ReportRecord | null> {
    return (await this.#deps.kv.get<ReportRecord>(keys.report(reportId))).value;
  }

  async #close(reportId: string): Promise<void> {
    const report = await this.#get(reportId);
    const atomic = this.#deps.kv.atomic().delete(keys.report(reportId));
    // A closed handshake report frees its commit: reported again, it opens a new one.
    if (report?.kind === "handshake") atomic.delete(keys.handshakeReport(report.room, report.seq));
    await commitAtomic(atomic);
  }
}
