import type { Config } from "./config.ts";

/**
 * Says whether a request's `Origin` may use this server: one of `allowed` when configured,
 * else exactly the origin the request was addressed to. A missing Origin is refused: every
 * browser sends one on WebSocket upgrades and form posts, and other clients can set it.
 */
export function isAllowedOrigin(
  origin: string | undefined | null,
  requestUrl: string,
  allowed: readonly string[],
): boolean {
  if (!origin) return false;
  if (allowed.length > 0) return allowed.includes(origin);
  return origin === new URL(requestUrl).origin;
}

/**
 * The origins to pass to {@linkcode isAllowedOrigin}: `PUBLIC_URL` and `ALLOWED_ORIGINS`.
 * Empty only when neither is set, and only then does the request's `Host` decide.
 */
export function configuredOrigins(
  config: Pick<Config, "publicUrl" | "allowedOrigins">,
): string[] {
  const origins = config.publicUrl ? [config.publicUrl] : [];
  for (const origin of config.allowedOrigins) {
    if (!origins.includes(origin)) origins.push(origin);
  }
  return origins;
}
