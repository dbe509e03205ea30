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
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const id = hashToken(token);
    const record = (await this.#kv.get<SessionRecord>(keys.session(id))).value;
    if (!record || record.expiresAt <= this.#clock.now()) return null;
    return { id, ...record };
  }

  /** Ends a session; its token stops working at once. */
  async revoke(sessionId: string): Promise<void> {
    await commitAtomic(this.#kv.atomic().delete(keys.session(sessionId)));
  }
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
