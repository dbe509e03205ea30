/**
 * The request state every route can read, like Fresh's `State` in `utils.ts`.
 *
 * @module
 */
import type { ListMarks, PublicUser } from "../common/api_types.ts";
import type { Session } from "../accounts/sessions.ts";
import type { SessionCookiePolicy } from "./session_cookie.ts";
import type { Locale } from "../common/i18n/locale.ts";
import type { FriendDigest } from "../social/friend_digest.ts";
import type { RequestIdVariables } from "hono/request-id";

/**
 * Hono environment of the app: the request's id (set by Hono's `requestId`, or by the socket
 * route), the signed-in user and session, when there is one, and the UI language (set by
 * `chooseLocale` for the pages).
 */
export interface AppEnv {
  Variables: RequestIdVariables & {
    user: PublicUser | undefined;
    session: Session | undefined;
    locale: Locale;
    /** How the session cookie is named and flagged (set by `loadSession`). */
    sessionCookie: SessionCookiePolicy;
    /**
     * The user's friend digest, read with the session by the socket route (`readSession`
     * with `forSocket`): null when none is stored, undefined when not read.
     */
    friends: FriendDigest | null | undefined;
    /**
     * The versions of the user's conversation and friend lists, read with the session by the
     * socket route; undefined when not read.
     */
    listMarks: ListMarks | undefined;
  };
}

/**
 * What `requireUser` guarantees to the handlers registered after it: both are set. Hono
 * intersects it with {@linkcode AppEnv}, so `c.var.user` reads as `PublicUser`.
 */
export interface SignedInEnv {
  Variables: {
    user: PublicUser;
    session: Session;
  };
}

/** The environment of an app or route after `requireUser`: {@linkcode AppEnv}, signed in. */
export type SignedInAppEnv = AppEnv & SignedInEnv;
