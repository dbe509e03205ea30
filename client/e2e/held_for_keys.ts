/**
 * Sends the texts typed in encrypted rooms before this device had the room's keys: the composer
 * puts each in the outbox held for `keys` (shown as "waiting for keys…", never sent as it is,
 * `client/outbox.ts`); this watch, run by the session of the tab that holds the device
 * (`e2e_session.ts`), encrypts each once its room is ready, oldest first, and releases it under
 * the same `clientId` (the server dedupes on it, so it is stored once). A text whose keys do not
 * come within {@linkcode KEYS_WAIT_MS} is marked failed, to be retried (it waits again) or
 * deleted; it is never dropped. Part of the lazy E2E chunk.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { Timers } from "../../lib/common/clock.ts";
import type { MessageKey } from "../../lib/common/i18n/translate.ts";
import type { E2ePayload } from "../../lib/common/protocol.ts";
import type { Outbox } from "../outbox.ts";

/**
 * How long a held text waits for its room's keys on this page before it shows as failed. A new
 * device is added within seconds while a member device is online, and asks the members again
 * every minute (`ADD_REQUEST_RETRY_MS` in `room_reader.ts`): five minutes is five asks, and long
 * enough that a user who sent and looked away does not come back to a failure while someone was
 * about to add the device. Retrying waits again as long.
 */
export const KEYS_WAIT_MS = 5 * 60_000;

/** The error of a held text whose keys did not come, a message key the timeline translates. */
export const KEYS_NEVER_CAME: MessageKey = "e2e.keysNeverCame";

/** What {@linkcode sendHeldForKeys} needs. */
export interface HeldForKeysOptions {
  /** The chat client's outbox, whose `keys` entries this watch encrypts. */
  outbox: Outbox;
  /**
   * Whether this device can encrypt for `room` now (it is in the room's group). Read inside an
   * effect: a signal it reads makes the watch look again when it changes.
   */
  ready(room: string): boolean;
  /** Encrypts `text` for the room's group (rejects when the device is not in it after all). */
  encrypt(room: string, text: string): Promise<E2ePayload>;
  /** Sends the released entry `clientId` now (the chat client's flush of its room). */
  send(clientId: string): void;
  /** Timers for the wait (a fake in tests). */
  timers: Timers;
  /** Overrides {@linkcode KEYS_WAIT_MS}. */
  waitMs?: number;
}

/**
 * Starts the watch over the outbox's `keys` entries; returns the function that stops it (and its
 * timers). Each entry is encrypted at most once per page: a reload before its payload reached the
 * outbox encrypts it again, and only that second payload is ever sent.
 */
export function sendHeldForKeys(options: HeldForKeysOptions): () => void {
  const { outbox, timers, waitMs = KEYS_WAIT_MS } = options;
  const deadlines = new Map<string, unknown>();
  const encrypting = new Set<string>();
  const stopWaiting = (clientId: string) => {
    timers.clearTimeout(deadlines.get(clientId));
    deadlines.delete(clientId);
  };
  const stop = effect(() => {
    const held = outbox.entries.value.filter((entry) =>
      entry.held === "keys" && entry.status === "pending"
    );
    const waiting = new Set(held.map((entry) => entry.clientId));
    // Sent, deleted or failed since: no deadline left for it.
    for (const clientId of deadlines.keys()) if (!waiting.has(clientId)) stopWaiting(clientId);
    // Oldest first: the room's group encrypts in call order, and the outbox sends in its order.
    for (const { clientId, room, text } of held) {
      if (encrypting.has(clientId)) continue;
      if (!options.ready(room)) {
        if (!deadlines.has(clientId)) {
          deadlines.set(
            clientId,
            timers.setTimeout(() => {
              deadlines.delete(clientId);
              outbox.update(clientId, "failed", KEYS_NEVER_CAME);
            }, waitMs),
          );
        }
        continue;
      }
      stopWaiting(clientId);
      encrypting.add(clientId);
      options.encrypt(room, text).then((e2e) => {
        outbox.release(clientId, { e2e });
        options.send(clientId);
      }, (error) => {
        outbox.update(clientId, "failed", error instanceof Error ? error.message : String(error));
      }).finally(() => encrypting.delete(clientId));
    }
  });
  return () => {
    stop();
    for (const clientId of [...deadlines.keys()]) stopWaiting(clientId);
  };
}
