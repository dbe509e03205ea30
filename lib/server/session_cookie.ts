/**
 * Name and flags of the session cookie. Behind a TLS proxy the request the server sees is
 * plain http, so its URL cannot say whether the browser used https: `PUBLIC_URL` says it.
 *
 * @module
 */
import type { Config } from "./config.ts";

/** Name of the session cookie unless `PUBLIC_URL` is https. */
export const SESSION_COOKIE = "sid";

/**
 * Name of the cookie beside it that names the session's user unless `PUBLIC_URL` is https: a
 * hint, never trusted, that lets the server read the session and the user record in one KV
 * operation (`Sessions.lookupWithUser`).
 */
export const SESSION_USER_COOKIE = "uid";

/** How the session cookie is named and flagged on this server. */
export interface SessionCookiePolicy {
  /**
   * `__Host-sid` when `PUBLIC_URL` is https: browsers then accept it only with `Secure`,
   * `Path=/` and no `Domain`, so a sibling subdomain or a plain-http page cannot plant or
   * overwrite it. `sid` otherwise.
   */
  name: string;
  /** Name of the user hint cookie: `__Host-uid` or `uid`, flagged like the session cookie. */
  userName: string;
  /** Whether a cookie set in answer to `requestUrl` gets `Secure`. */
  secure(requestUrl: string): boolean;
}

/**
 * The policy for `config`: with an https `PUBLIC_URL`, always `Secure` (whatever the proxied
 * request's scheme); with an http one, never; without one, `Secure` when the request URL
 * itself is https (the server terminates TLS).
 */
export function sessionCookiePolicy(config: Pick<Config, "publicUrl">): SessionCookiePolicy {
  const publicUrl = config.publicUrl;
  if (publicUrl) {
    const https = new URL(publicUrl).protocol === "https:";
    const prefix = https ? "__Host-" : "";
    return {
      name: prefix + SESSION_COOKIE,
      userName: prefix + SESSION_USER_COOKIE,
      secure: () => https,
    };
  }
  return {
    name: SESSION_COOKIE,
    userName: SESSION_USER_COOKIE,
    secure: (url) => new URL(url).protocol === "https:",
  };
}
