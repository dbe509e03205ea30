/**
 * Deleting one's own account, after the password is given again. In order:
 * 1. the account is disabled and marked `deleting` (`Accounts.beginDeletion`), and every socket
 *    of it closes, so nothing it does races the rest; a friend accept, friend request, block,
 *    direct room, room join, invite link join or creation, group invite or room creation of it
 *    or with it
 *    that is under way when the mark lands fails its check of the user records and is refused
 *    on its next attempt, so steps 3 and 4 find everything that names it
 *    (tests/integration_account_deletion_races_test.ts); so do its sockets' last writes (the
 *    "last seen" of their closing, a read marker);
 *    its devices and their KeyPackages leave the end-to-end key directory, so no one can add
 *    them to an encrypted group again, and the member devices of its encrypted rooms commit
 *    their removal (they follow the directory, `lib/common/e2e/membership_plan.ts`; the
 *    profile notice below makes them check at once);
 *    its friends and roommates are sent its stand-in profile, so open chats show "deleted user";
 * 2. its messages with attachments are deleted through the message log (as its own deletes),
 *    which releases the files, in the rooms it had left as in those it is in (its text messages
 *    there stay too), once the list of messages with files by author is complete (its backfill
 *    runs in the background of the node's start); its other messages stay, and show "deleted
 *    user" as author. A
 *    send with files of it still under way (on any node) fails its commit's check of the
 *    account (`checksAuthor` in `lib/messages/message_store.ts`), so none lands after this list;
 * 3. the invite links it made are revoked, in rooms it has left too (one opened later is refused
 *    as a revoked link; `InviteLinks.forget`), and it leaves every room: an owned room goes to
 *    its longest-serving admin, else its oldest member, and is deleted when it has no other
 *    member; direct rooms lose its membership;
 * 4. friendships, friend requests and its blocks go; uploads in progress and file claims go
 *    (stored files no message uses any more are deleted by the sweeper);
 * 5. profile, avatar, directory entries, read markers, settings and quota windows go, then the
 *    account record. The username stays reserved (see `Accounts.remove`). A settings write or
 *    quota count under way when the mark lands fails its check of the record
 *    (`commitAsAccount`), so none writes back what this step deleted.
 * The owner's request is answered once the first commit of step 1 has landed and the sockets
 * are told to close (the account can no longer sign in or act); the rest runs on in the
 * background of the node that took the request, held by the claim below, so a deletion that
 * takes longer than the client waits (30 s) is not shown as failed.
 * A deletion cut off midway (a crash, a restart, a failed step) is not lost: step 1 records it
 * as under way (`keys.accountDeletion`), held by its run for {@linkcode DELETION_CLAIM_MS}; every
 * node looks for deletions under way when it starts and every {@linkcode RESUME_INTERVAL_MS},
 * takes over those whose claim ran out and runs steps 1 to 5 again (each step finds only what
 * is left), so the account ends deleted without its owner, who can no longer sign in, asking
 * again.
 *
 * @module
 */
import { serverClientId } from "../common/client_id.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { keys } from "../kv/kv_keys.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { deleteAll } from "../files/blob_chunks.ts";
import { deleteKeys } from "../kv/kv_delete.ts";
import type { LoginThrottle } from "../limits/login_throttle.ts";
import type { FileSweeper } from "../files/file_sweeper.ts";
import type { Uploads } from "../files/uploads.ts";
import type { MessageStore } from "../messages/message_store.ts";
import type { MessageWriter } from "../messages/message_writer.ts";
import { messagesWithFilesBy } from "../messages/author_files.ts";
import { messagesByAuthor } from "../messages/messages_by_author.ts";
import type { InviteLinks } from "../rooms/invite_links.ts";
import type { MemberModeration } from "../rooms/member_moderation.ts";
import { deleteMembership, membersOfRoom, roomsOfUser } from "../rooms/memberships.ts";
import type { RoomLifecycle } from "../rooms/room_lifecycle.ts";
import { readRooms, type Rooms } from "../rooms/rooms.ts";
import type { Friends, Notify } from "../social/friends.ts";
import type { KeyPackages } from "../devices/key_packages.ts";
import type { Accounts } from "./accounts.ts";
import type { AuthService } from "./auth_service.ts";
import { deletedProfile, type Profiles } from "./profiles.ts";

/** What {@linkcode AccountDeletion} works with. */
export interface AccountDeletionDeps {
  kv: Deno.Kv;
  accounts: Pick<
    Accounts,
    "checkPassword" | "beginDeletion" | "deletionsUnderWay" | "claimDeletion" | "remove"
  >;
  auth: Pick<AuthService, "endAllSessions">;
  profiles: Pick<Profiles, "forget">;
  friends: Pick<Friends, "forget" | "friendIds">;
  store: Pick<MessageStore, "after">;
  writer: Pick<MessageWriter, "write">;
  lifecycle: Pick<RoomLifecycle, "leave" | "remove">;
  moderation: Pick<MemberModeration, "transfer">;
  /** The invite links the account made are revoked. */
  inviteLinks: Pick<InviteLinks, "forget">;
  /**
   * Resolves once every message with files is listed under its author (the backfill of
   * `startAuthorFilesBackfill` has ended); rejects when it failed again.
   */
  authorFilesListed: () => Promise<void>;
  uploads: Pick<Uploads, "forget">;
  sweeper: Pick<FileSweeper, "requestSweep">;
  rooms: Pick<Rooms, "roommateIds">;
  /** The end-to-end key directory: the account's devices and KeyPackages go. */
  keyPackages: Pick<KeyPackages, "forgetUser">;
  /** Counts wrong passwords, as logins do. */
  throttle: Pick<LoginThrottle, "check" | "recordFailure">;
  /** Tells these users' sockets a notice (the account's stand-in profile). */
  notify: Notify;
}

/**
 * How long a run holds the deletion it does before another run may take it over: far longer
 * than a deletion takes (seconds, for an account in thousands of rooms), so two runs of one
 * deletion at once are rare (and harmless: every step only removes what is left).
 */
export const DELETION_CLAIM_MS = 15 * 60_000;
/** How often each node looks for deletions under way whose run stopped. */
export const RESUME_INTERVAL_MS = 10 * 60_000;

/** Deletes accounts at their owner's request, and finishes those a crash cut off. */
export class AccountDeletion {
  #deps: AccountDeletionDeps;
  #timer: ReturnType<typeof setInterval> | undefined;
  #resuming: Promise<number> | undefined;
  #running = new Set<Promise<void>>();

  /** Wires the deletion to every store that holds something of an account. */
  constructor(deps: AccountDeletionDeps) {
    this.#deps = deps;
  }

  /**
   * Finishes the deletions under way whose run stopped: now, then every `intervalMs` until
   * {@linkcode stop}. A deletion that fails is logged and taken over again once its claim runs
   * out.
   */
  start(intervalMs = RESUME_INTERVAL_MS): void {
    if (this.#timer !== undefined) return;
    const round = () =>
      void this.resume().catch((error) => {
        console.error("account deletion: resuming deletions under way failed", error);
      });
    this.#timer = setInterval(round, intervalMs);
    round();
  }

  /** Stops the rounds of {@linkcode start} and waits for a running one, and for {@linkcode settled}. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#resuming?.catch(() => {});
    await this.settled();
  }

  /**
   * Takes over every deletion under way whose claim ran out and runs it to the end.
   *
   * @returns How many deletions it finished.
   */
  resume(): Promise<number> {
    this.#resuming ??= this.#resumeAll().finally(() => this.#resuming = undefined);
    return this.#resuming;
  }

  async #resumeAll(): Promise<number> {
    const { accounts } = this.#deps;
    const ids: string[] = [];
    for await (const id of accounts.deletionsUnderWay()) ids.push(id);
    let finished = 0;
    for (const id of ids) {
      try {
        const record = await accounts.claimDeletion(id, DELETION_CLAIM_MS);
        if (!record) continue;
        this.#deps.auth.endAllSessions(id);
        await this.#finish({ id, name: record.name });
        finished++;
      } catch (error) {
        // Its claim runs out again: a later round retries it.
        console.error(`account deletion: finishing the deletion of ${id} failed`, error);
      }
    }
    return finished;
  }

  /**
   * Deletes `user`'s account if `password` is theirs; refuses with 403 otherwise. Wrong
   * passwords count against the login throttle (per name and per `address`), so a stolen
   * session cannot be used to guess the password here either. Answers once the deletion has
   * begun (the account disabled, its sessions ended, the deletion recorded as under way and
   * held by this node), and goes on deleting after that: {@linkcode settled} waits for it.
   */
  async delete(
    user: { id: string; name: string },
    password: string,
    address: string,
  ): Promise<Outcome> {
    const { accounts, throttle } = this.#deps;
    const verdict = await throttle.check(user.name, address);
    if (!verdict.allowed) {
      const retryAfterSeconds = verdict.retryAfterSeconds;
      return { ...refusal(429, "refusal.loginThrottled"), retryAfterSeconds };
    }
    if (!await accounts.checkPassword(user.id, password)) {
      await throttle.recordFailure(user.name, address);
      return refusal(403, "refusal.wrongPassword");
    }
    // From this commit on, no friendship, request, block or direct room can come to name it,
    // and no one can sign in to it (it is disabled, its sessions ended).
    await accounts.beginDeletion(user.id, DELETION_CLAIM_MS);
    this.#deps.auth.endAllSessions(user.id);
    // The rest runs on, held by the claim just written: a crash cuts it off only until the claim
    // runs out and a resume round takes it over. An account in thousands of rooms takes longer
    // than the client waits for an answer (30 s).
    const run = this.#finish(user)
      .catch((error) => console.error(`account deletion: deleting ${user.id} failed`, error))
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
    return { ok: true };
  }

  /**
   * Waits until the deletions this node began ({@linkcode delete}) and runs on after their
   * answer have ended, done or failed (a failed one is left to a resume round).
   */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  /** Steps 1 (after the mark and the sockets' close) to 5 for an account marked `deleting`. */
  async #finish(user: { id: string; name: string }): Promise<void> {
    // Before the notice: members' devices that check on it find the devices gone.
    await this.#deps.keyPackages.forgetUser(user.id);
    // Open chats show "deleted user" at once, before the friendships and rooms that reach them go.
    const [friendIds, roommates] = await Promise.all([
      this.#deps.friends.friendIds(user.id),
      this.#deps.rooms.roommateIds(user.id),
    ]);
    this.#deps.notify([...new Set([...friendIds, ...roommates])], {
      kind: "profile",
      profile: deletedProfile(user.id, user.name),
    });
    const rooms = (await roomsOfUser(this.#deps.kv, user.id)).map((entry) => entry.roomId);
    await this.#deleteMessagesWithFiles(user, rooms);
    await this.#deps.inviteLinks.forget(user.id);
    await this.#leaveRooms(user.id, rooms);
    await this.#deps.friends.forget(user.id);
    await this.#deps.uploads.forget(user.id);
    this.#deps.sweeper.requestSweep();
    await this.#deps.profiles.forget(user.id);
    const { kv } = this.#deps;
    await deleteAll(kv, keys.readMarkers(user.id));
    await deleteAll(kv, keys.userActivities(user.id));
    await deleteAll(kv, keys.userBigRooms(user.id));
    await deleteAll(kv, keys.notifyLevels(user.id));
    // Its quota windows too (each would expire within the hour); none is counted after the
    // deletion began (`WindowCounter.add` checks the account). The login failures of its name
    // go with them: the name stays reserved, and no one can sign in to it any more.
    await commitAtomic(
      kv.atomic().delete(keys.receiptsOff(user.id)).delete(keys.lastSeen(user.id))
        .delete(keys.userActivityBuilt(user.id))
        .delete(keys.roomsMark(user.id))
        .delete(keys.roomsCreated(user.id)).delete(keys.friendRequestsSent(user.id))
        .delete(keys.uploadsStarted(user.id)).delete(keys.reportsMade(user.id))
        .delete(keys.loginFailures("user", user.name.toLowerCase())),
    );
    await this.#deps.accounts.remove(user.id);
  }

  /**
   * Step 2: the messages with files it wrote, in every room it wrote them in, left ones too
   * (listed under their author: `lib/messages/author_files.ts`), and, in case a list missed one,
   * those the logs of the rooms it is still in hold.
   */
  async #deleteMessagesWithFiles(user: { id: string; name: string }, rooms: string[]) {
    const { kv } = this.#deps;
    const doomed = new Map<string, { room: string; seq: number }>();
    const keep = (message: ChatMessage) => {
      if (!message.attachments?.length) return;
      doomed.set(`${message.room}\u0000${message.seq}`, { room: message.room, seq: message.seq });
    };
    // A message stored before the list, in a room it left, is found only once it is listed.
    await this.#deps.authorFilesListed();
    const listed = await messagesWithFilesBy(kv, user.id);
    listed.messages.forEach(keep);
    for await (const message of messagesByAuthor(this.#deps.store, rooms, user.id)) keep(message);
    for (const { room, seq } of doomed.values()) {
      await this.#deps.writer.write({
        room,
        from: user.id,
        author: user.name,
        clientId: serverClientId(),
        text: "",
        kind: "delete",
        target: seq,
      });
    }
    // None is added after the mark: a send with files checks its author's account.
    await deleteKeys(kv, listed.entries);
  }

  async #leaveRooms(userId: string, rooms: string[]): Promise<void> {
    const { kv, lifecycle } = this.#deps;
    const records = await readRooms(kv, rooms);
    for (const [i, roomId] of rooms.entries()) {
      const room = records[i];
      if (!room || room.visibility === "direct") {
        await commitAtomic(deleteMembership(kv.atomic(), roomId, userId));
        continue;
      }
      const others = (await membersOfRoom(kv, roomId)).filter((m) => m.userId !== userId);
      const mine = await lifecycle.leave(userId, roomId);
      if (mine.ok) continue;
      // The owner: hand the room over, or delete it when nobody else is in it.
      if (others.length === 0) {
        await lifecycle.remove(userId, roomId);
        continue;
      }
      const byAge = others.sort((a, b) => a.membership.joinedAt - b.membership.joinedAt);
      const heir = byAge.find((m) => m.membership.role === "admin") ?? byAge[0]!;
      await this.#deps.moderation.transfer(userId, roomId, heir.userId);
      await lifecycle.leave(userId, roomId);
    }
  }
}
