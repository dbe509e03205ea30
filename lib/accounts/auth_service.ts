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

/** A login that succeeded: the cookie token and the session. */
export interface SignedIn {
  ok: true;
  user: PublicUser;
  token: string;
  session: Session;
}

/** A refused registration or login, with the HTTP status and a message for the user. */
export interface AuthRefusal {
  ok: false;
  status: 400 | 401 | 409 | 429;
  message: string;
  retryAfterSeconds?: number;
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
  async register(name: string, password: string): Promise<SignedIn | AuthRefusal> {
    const result = await this.#accounts.register(name, password);
    if (!result.ok) {
      return { ok: false, status: result.reason === "taken" ? 409 : 400, message: result.message };
    }
    return { ok: true, user: result.user, ...await this.#sessions.create(result.user.id) };
  }

  /**
   * Signs a user in. Failures are counted per name and per client address; past the limit
   * every attempt is refused with 429 until the window ends, right password or not.
   */
  async login(name: string, password: string, address: string): Promise<SignedIn | AuthRefusal> {
    const verdict = await this.#throttle.check(name, address);
    if (!verdict.allowed) {
      return {
        ok: false,
        status: 429,
        message: "Too many failed attempts; try again later",
        retryAfterSeconds: verdict.retryAfterSeconds,
      };
    }
    const user = await this.#accounts.authenticate(name, password);
    if (!user) {
      await this.#throttle.recordFailure(name, address);
      return { ok: false, status: 401, message: "Wrong username or password" };
    }
    await this.#throttle.clear(name);
    return { ok: true, user, ...await this.#sessions.create(user.id) };
  }

  /** Ends a session and closes its live sockets on every node. */
  async logout(session: Session): Promise<void> {
    await this.#sessions.revoke(session.id);
    this.#broker.publish({ kind: "session_ended", session: session.id });
  }
}
