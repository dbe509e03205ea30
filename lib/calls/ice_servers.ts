/**
 * ICE servers for calls: STUN and TURN addresses from the configuration, and short-lived TURN
 * credentials minted per user with the TURN REST API scheme that coturn checks with
 * `use-auth-secret`: username `<expiry unix seconds>:<user id>`, credential
 * base64(HMAC-SHA1(secret, username)). The secret never leaves the server; a credential stops
 * working at its expiry, so one copied out of a page is worth little.
 *
 * @module
 */

/** `STUN_URLS`, `TURN_URLS`, `TURN_SECRET`, `TURN_TTL_SECONDS` (see the README). */
export interface IceConfig {
  /** `STUN_URLS`: comma-separated `stun:` URLs. Default none. */
  stunUrls: string[];
  /** `TURN_URLS`: comma-separated `turn:`/`turns:` URLs; needs `TURN_SECRET`. Default none. */
  turnUrls: string[];
  /** `TURN_SECRET`: coturn's `static-auth-secret` (at least 16 characters). */
  turnSecret?: string;
  /** `TURN_TTL_SECONDS`: how long a minted TURN credential lasts. Default 3600. */
  turnTtlSeconds: number;
}

/** One entry of `RTCConfiguration.iceServers`. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

const MIN_SECRET_LENGTH = 16;

/** Reads {@linkcode IceConfig} from environment variables; throws on a bad value. */
export function iceConfigFrom(env: Record<string, string | undefined>): IceConfig {
  const list = (name: string, schemes: RegExp) => {
    const urls = (env[name] ?? "").split(",").map((url) => url.trim()).filter(Boolean);
    const bad = urls.find((url) => !schemes.test(url));
    if (bad !== undefined) throw new Error(`${name}: not a ${schemes.source} URL: ${bad}`);
    return urls;
  };
  const turnUrls = list("TURN_URLS", /^turns?:/);
  const turnSecret = env.TURN_SECRET || undefined;
  if (turnUrls.length > 0 && (turnSecret?.length ?? 0) < MIN_SECRET_LENGTH) {
    // The value is a secret, so it is not echoed.
    throw new Error(`TURN_URLS needs TURN_SECRET of at least ${MIN_SECRET_LENGTH} characters`);
  }
  const ttl = Number(env.TURN_TTL_SECONDS ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) {
    throw new Error("TURN_TTL_SECONDS must be a whole number from 60 to 86400");
  }
  return { stunUrls: list("STUN_URLS", /^stuns?:/), turnUrls, turnSecret, turnTtlSeconds: ttl };
}

/**
 * A TURN REST API credential for `userId`, valid until `expiresAt` (unix seconds).
 *
 * @example
 * ```ts
 * await turnCredential("a shared secret!", "u1", 1_700_000_000);
 * // { username: "1700000000:u1", credential: "<base64 HMAC-SHA1>" }
 * ```
 */
export async function turnCredential(
  secret: string,
  userId: string,
  expiresAt: number,
): Promise<{ username: string; credential: string }> {
  const username = `${expiresAt}:${userId}`;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(username));
  const bytes = new Uint8Array(mac);
  return { username, credential: btoa(String.fromCharCode(...bytes)) };
}

/**
 * The ICE servers for `userId` at clock time `nowMs`, and when their TURN credential expires
 * (unix seconds; absent without TURN). Ask again before then.
 */
export async function iceServersFor(
  config: IceConfig,
  userId: string,
  nowMs: number,
): Promise<{ iceServers: IceServer[]; expiresAt?: number }> {
  const iceServers: IceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length === 0 || !config.turnSecret) return { iceServers };
  const expiresAt = Math.floor(nowMs / 1000) + config.turnTtlSeconds;
  const minted = await turnCredential(config.turnSecret, userId, expiresAt);
  iceServers.push({ urls: config.turnUrls, ...minted });
  return { iceServers, expiresAt };
}
