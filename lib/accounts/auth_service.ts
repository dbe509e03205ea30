/**
 * Registration, login and logout as one flow used by both the HTML forms and the JSON API:
 * accounts, sessions and the failed-login throttle together.
 *
 * @module
 */
import type { Accounts } from "./accounts.ts";
import type { PublicUser } from "../common/api_types.ts";
import type { Broker } from "../realtime/broker/broker.ts";
import type { LoginThrottle } from "../limits/login_throttle.ts";
import type { Session, Sessions } from "./sessions.ts";
import { type Refusal, refusal } from "../common/refusal.ts";

/** A login that succeeded: the cookie token and the session. */
export interface SignedIn {
  ok: true;
  user: PublicUser;
  token: string;
  session: Session;
}

/** Signs users up, in and out. */
export class AuthService {
  #accounts: Accounts;
  #sessions: Sessions;
  #throttle: LoginThrottle;
  #broker: Broker;

  /** Wires the parts of authentication together. */
  constructor(accounts: Accounts, sessions: Sessions, throttle: LoginThrottle, broker: Broker) {
    this.#accounts = accounts;
    this.#sessions = sessions;
    this.#throttle = throttle;
    this.#broker = broker;
  }

  /** Creates an account and signs it in. */
  async register(name: string, password: string): Promise<SignedIn | Refusal> {
    const result = await this.#accounts.register(name, password);
    if (!result.ok) return result;
    return { ok: true, user: result.user, ...await this.#sessions.create(result.user.id) };
  }

  /**
   * Signs a user in. Failures are counted per name and per client address; past the limit
   * every attempt is refused with 429 until the window ends, right password or not.
   */
  async login(name: string, password: string, address: string): Promise<SignedIn | Refusal> {
    const verdict = await this.#throttle.check(name, address);
    if (!verdict.allowed) {
      const retryAfterSeconds = verdict.retryAfterSeconds;
      return { ...refusal(429, "refusal.loginThrottled"), retryAfterSeconds };
    }
    const found = await this.#accounts.authenticate(name, password);
    if (!found) {
      await this.#throttle.recordFailure(name, address);
      return refusal(401, "refusal.wrongCredentials");
    }
    await this.#throttle.clear(name);
    // Said only after the right password, so it tells a guesser nothing.
    if (found.deleting) return refusal(403, "refusal.accountDeleting");
    if (found.disabled) return refusal(403, "refusal.accountDisabled");
    return { ok: true, user: found.user, ...await this.#sessions.create(found.user.id) };
  }

  /**
   * Ends every session of a user at once (their account was disabled or deleted): their
   * open sockets on every node close with `CLOSE_SESSION_ENDED`. The session records need no
   * deleting: `loadSession` refuses them while the account is disabled or gone.
   */
  endAllSessions(userId: string): void {
    this.#broker.publish({ kind: "account_closed", user: userId });
  }

  /** Ends a session and closes its live sockets on every node. */
  async logout(session: Session): Promise<void> {
    await this.#sessions.revoke(session.id);
    this.#broker.publish({ kind: "session_ended", session: session.id });
  }
}
