import type { Context } from "hono";

/** The peer address of a request, for throttling; "unknown" when the runtime gives none. */
export function clientAddress(c: Context): string {
  const info = c.env as Deno.ServeHandlerInfo<Deno.NetAddr> | undefined;
  return info?.remoteAddr?.hostname ?? "unknown";
}
