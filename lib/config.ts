/** Server configuration, read from environment variables (documented in the README). */
export interface Config {
  /** `PORT`: TCP port to listen on. Default 8000. */
  port: number;
  /** `KV_PATH`: Deno KV file; `:memory:` for throwaway runs; empty string for Deploy's default. */
  kvPath: string;
  /**
   * `ALLOWED_ORIGINS`: comma-separated origins allowed to open the WebSocket and post forms.
   * Empty means only the origin the request was addressed to (same-origin).
   */
  allowedOrigins: string[];
  /** `SESSION_TTL_HOURS`: how long a login lasts. Default 720 (30 days). */
  sessionTtlMs: number;
  /** `HEARTBEAT_MS`: server ping interval; a peer silent for twice as long is dropped. */
  heartbeatMs: number;
}

/** Default KV file, relative to the working directory. */
export const DEFAULT_KV_PATH = "./data/chat.kv";

/** Reads the configuration from a map of environment variables. Throws on invalid values. */
export function readConfig(env: Record<string, string | undefined>): Config {
  return {
    port: intFrom(env, "PORT", 8000, 0, 65535),
    kvPath: env.KV_PATH ?? DEFAULT_KV_PATH,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? "").split(",").map((origin) => origin.trim())
      .filter((origin) => origin.length > 0).map((origin) => new URL(origin).origin),
    sessionTtlMs: intFrom(env, "SESSION_TTL_HOURS", 720, 1, 24 * 365) * 3_600_000,
    heartbeatMs: intFrom(env, "HEARTBEAT_MS", 25_000, 1_000, 600_000),
  };
}

function intFrom(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
