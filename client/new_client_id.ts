import { toHex } from "../lib/common/ids.ts";

/**
 * A fresh `clientId` for an outgoing message: 32 hex characters, which matches the protocol's
 * `/^[A-Za-z0-9_-]{8,64}$/`. Uses `crypto.randomUUID()` without its dashes, and random bytes
 * where `randomUUID` is missing (pages served over plain HTTP from another host).
 *
 * @returns A new random id.
 */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID().replaceAll("-", "");
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return toHex(bytes);
}
