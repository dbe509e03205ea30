import { toHex } from "../lib/common/ids.ts";
import { timedClientId } from "../lib/common/client_id.ts";

/**
 * A fresh `clientId` for an outgoing message (and for any id of a tab or call): the timed form
 * of `lib/common/client_id.ts`, `t` + the time in 9 base-36 digits + `_` + 96 random bits as 24
 * hex characters, 35 in all, which matches the protocol's `/^[A-Za-z0-9_-]{8,64}$/`.
 * (`crypto.getRandomValues` works on pages served over plain HTTP too, where `randomUUID` is
 * missing.)
 *
 * @returns A new id, unique with overwhelming probability.
 */
export function newClientId(): string {
  return timedClientId(Date.now(), toHex(crypto.getRandomValues(new Uint8Array(12))));
}
