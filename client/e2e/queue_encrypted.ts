/**
 * Hands an encrypted room's entry to the chat client's outbox once it is encrypted. Part of the
 * lazy E2E chunk (it was a method of the chat client, first-load code, before texts could be held
 * for keys: `held_for_keys.ts`).
 *
 * @module
 */
import type { Attachment } from "../../lib/common/attachments.ts";
import type { E2ePayload } from "../../lib/common/protocol.ts";
import type { ChatClient } from "../chat_client.ts";
import { newClientId } from "../new_client_id.ts";

/**
 * Queues an entry of encrypted room `room` once `payload`, its MLS message, is encrypted: `text`
 * is the plain text kept for this device's own view (empty for a handshake: a commit adding
 * devices, with its Welcome, which the timeline does not show), and `attachments` its files
 * (uploaded encrypted, named in the frame by id alone). It goes through the outbox like a
 * message, in order; the outbox keeps the payload, so a resend after a reload is the same
 * ciphertext under the same `clientId`. When the encryption fails (this tab handed the device
 * to another, say) the text stays as a failed entry held for the keys: a retry encrypts it again
 * once this device can (its reply and files, which need the first encryption, are not kept).
 */
export function queueEncrypted(
  client: ChatClient,
  room: string,
  payload: Promise<E2ePayload>,
  text = "",
  attachments?: Attachment[],
): void {
  const createdAt = Date.now();
  const entry = { clientId: newClientId(), room, text, createdAt };
  payload.then((e2e) => {
    client.outbox.add({ ...entry, status: "pending", e2e, attachments });
    // A pending entry's retry only sends it (now, if the room is subscribed).
    client.retry(entry.clientId);
  }, (error) => {
    const why = error instanceof Error ? error.message : String(error);
    client.outbox.add({ ...entry, status: "failed", error: why, held: "keys" });
  });
}
