/**
 * Login sessions: a 256-bit random token goes to the browser in a cookie; KV stores only the
 * token's SHA-256, with an expiry, so a leaked database holds no usable session.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import { createHash } from "node:crypto";
import { toBase64Url } from "../common/ids.ts";
import { keys } from "../kv/kv_keys.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import type { UserRecord } from "./accounts.ts";
import type { FriendDigest } from "../social/friend_digest.ts";
import type { ListMarks } from "../common/api_types.ts";

/** A stored session. */
export interface SessionRecord {
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** A live session as seen by a request. */
export interface Session extends SessionRecord {
  /** SHA-256 hex of the token: the session's id. */
  id: string;
}

/** A live session and its user's record (null when the account is gone). */
export interface SessionWithUser {
  session: Session;
  user: UserRecord | null;
  /** The user's friend digest, when asked for (null: the user has none stored yet). */
  friends?: FriendDigest | null;
  /**
   * When asked for (with the friend digest): the versions of the user's conversation list
   * (with their notification levels) and friend lists (`rooms_mark`'s and the digest's
   * versionstamps, "" when none).
   */
  listMarks?: ListMarks;
}

/** A user id a hint may name: ids are base64url (`newId`) or seeded ASCII names. */
const USER_HINT = /^[A-Za-z0-9_-]{1,64}$/;

/** Creates, looks up and revokes sessions. */
export class Sessions {
  #kv: Deno.Kv;
  #clock: Clock;
  #ttlMs: number;

  /** Sessions last `ttlMs` from login. */
  constructor(kv: Deno.Kv, clock: Clock, ttlMs: number) {
    this.#kv = kv;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Starts a session for a user; returns the token for the cookie and the session. */
  async create(userId: string): Promise<{ token: string; session: Session }> {
    const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const now = this.#clock.now();
    const record: SessionRecord = { userId, createdAt: now, expiresAt: now + this.#ttlMs };
    const id = hashToken(token);
    await commitAtomic(this.#kv.atomic().set(keys.session(id), record, { expireIn: this.#ttlMs }));
    return { token, session: { id, ...record } };
  }

  /** Returns the session of a token, or null when unknown, malformed or expired. */
  async lookup(token: string | undefined): Promise<Session | null> {
    const id = sessionIdOf(token);
    return id === null ? null : this.#live(id, await this.#record(id));
  }

  /**
   * Returns the session of a token and its user's record, or null when the session is unknown,
   * malformed or expired. `userHint` is the user id the client says the session belongs to
   * (the `uid` cookie): when it names the session's user, both records come from one KV
   * `getMany` instead of two reads one after the other (a connect storm's two costliest reads:
   * 64 against 94 µs of CPU a lookup in one loop, BENCHMARKS.md "round three"). The hint is
   * never trusted: the session record says whose it is, and a hint that names someone else
   * (or is missing) costs the second read, as without it.
   *
   * With `forSocket`, the user's friend digest (`lib/social/friend_digest.ts`) and their
   * `rooms_mark` come in the same `getMany`: a socket's connect tells the user's friends "came
   * online" from the digest, where it listed their friends before (BENCHMARKS.md, "Connect
   * storm, round four"), and its `welcome` carries the mark and the digest's versionstamp,
   * which date the user's conversation list (with its notification levels) and friend lists,
   * so a page sees a change made after its render without a read of its own
   * (docs/PROTOCOL.md). `beforeMarks` is called with the user id whose marks are about to be
   * read, just before that read (again, with the session's user, when the hint was wrong):
   * the socket route starts holding the user's events there (`Hub.hold`).
   */
  async lookupWithUser(
    token: string | undefined,
    userHint: string | undefined,
    forSocket = false,
    beforeMarks?: (userId: string) => void,
  ): Promise<SessionWithUser | null> {
    const id = sessionIdOf(token);
    if (!id) return null;
    if (userHint === undefined || !USER_HINT.test(userHint)) {
      const session = this.#live(id, await this.#record(id));
      return session && await this.#user(session, forSocket, beforeMarks);
    }
    if (forSocket) beforeMarks?.(userHint);
    const [sessionEntry, userEntry, friendsEntry, roomsEntry] = await this.#kv
      .getMany<[SessionRecord, UserRecord, FriendDigest?, unknown?]>(
        forSocket
          ? [
            keys.session(id),
            keys.user(userHint),
            keys.friendDigest(userHint),
            keys.roomsMark(userHint),
          ]
          : [keys.session(id), keys.user(userHint)],
      );
    const session = this.#live(id, sessionEntry.value);
    if (!session) return null;
    if (session.userId !== userHint) {
      return await this.#user(session, forSocket, beforeMarks);
    }
    const user = userEntry.value;
    return forSocket ? socketRead(session, user, friendsEntry!, roomsEntry!) : { session, user };
  }

  #live(id: string, record: SessionRecord | null): Session | null {
    if (!record || record.expiresAt <= this.#clock.now()) return null;
    // Field by field, not a spread: one object of a fixed shape on every request with a cookie.
    return { id, userId: record.userId, createdAt: record.createdAt, expiresAt: record.expiresAt };
  }

  async #record(id: string): Promise<SessionRecord | null> {
    return (await this.#kv.get<SessionRecord>(keys.session(id))).value;
  }

  async #user(
    session: Session,
    forSocket: boolean,
    beforeMarks?: (userId: string) => void,
  ): Promise<SessionWithUser> {
    const { userId } = session;
    if (!forSocket) {
      return { session, user: (await this.#kv.get<UserRecord>(keys.user(userId))).value };
    }
    beforeMarks?.(userId);
    const [user, friends, rooms] = await this.#kv.getMany<[UserRecord, FriendDigest, unknown]>([
      keys.user(userId),
      keys.friendDigest(userId),
      keys.roomsMark(userId),
    ]);
    return socketRead(session, user.value, friends, rooms);
  }

  /** Ends a session; its token stops working at once. */
  async revoke(sessionId: string): Promise<void> {
    await commitAtomic(this.#kv.atomic().delete(keys.session(sessionId)));
  }
}

/** The session id of a well-formed token, or null. */
function sessionIdOf(token: string | undefined): string | null {
  return token !== undefined && /^[A-Za-z0-9_-]{43}$/.test(token) ? hashToken(token) : null;
}

/**
 * SHA-256 hex of a token. `node:crypto`'s hash runs in the calling thread: every request with
 * a cookie pays it, and WebCrypto's `digest` cost 3 to 10 times as much here (23 to 81 against
 * 7 to 9 µs a token in one loop, `digest` awaited each time) and was 8 % of the server's
 * JavaScript time in a connect storm profile (`deno task bench --only storm --profile`).
 */
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A socket's session read: the session, the user, the digest and the marks, built field by
 * field (one object of a fixed shape on every connect, no spread).
 */
function socketRead(
  session: Session,
  user: UserRecord | null,
  friends: Deno.KvEntryMaybe<FriendDigest | undefined>,
  rooms: Deno.KvEntryMaybe<unknown>,
): SessionWithUser {
  return {
    session,
    user,
    friends: friends.value,
    listMarks: { rooms: rooms.versionstamp ?? "", friends: friends.versionstamp ?? "" },
  };
}
