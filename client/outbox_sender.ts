import type { ClientFrame, ErrorFrame } from "../lib/common/protocol.ts";
import type { Clock, TimerId } from "./chat_client_options.ts";
import type { Outbox, OutboxEntry } from "./outbox.ts";

const RETRY_LATER_MS = 5_000;
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  "bad_frame",
  "not_member",
  "muted",
  "frame_too_large",
  "binary_frame",
  "unknown_type",
  "flood",
  // The named file is not (or no longer) the user's upload, or not a recording within the
  // limits: sending the same frame again cannot change that.
  "attachment_unavailable",
]);

/** What an {@linkcode OutboxSender} needs from the connection. */
export interface OutboxSenderOptions {
  /** The entries to deliver. */
  outbox: Outbox;
  /** Timers for rate-limit pauses. */
  clock: Clock;
  /** Sends a frame on the current socket; `false` when there is none. */
  send(frame: ClientFrame): boolean;
  /** Whether messages to this room may be sent now (online, and subscribed if followed). */
  ready(room: string): boolean;
}

/**
 * Delivers {@linkcode Outbox} entries: sends each pending entry once per socket, in order per
 * room, with its original `clientId`; removes it on `ack`; marks it `failed` on a permanent
 * error; pauses the room and sends again after a `rate_limited` (or transient) error. An entry
 * only ever leaves the outbox on an ack or a discard.
 */
export class OutboxSender {
  readonly #options: OutboxSenderOptions;
  readonly #inFlight = new Set<string>();
  readonly #held = new Map<string, TimerId>();

  /** @param options The outbox and the connection hooks. */
  constructor(options: OutboxSenderOptions) {
    this.#options = options;
  }

  /** Sends the room's pending entries that were not sent on this socket yet, oldest first. */
  flush(room: string): void {
    const { outbox, send, ready } = this.#options;
    if (this.#held.has(room) || !ready(room)) return;
    for (const entry of outbox.forRoom(room)) {
      if (entry.status !== "pending" || this.#inFlight.has(entry.clientId)) continue;
      // Files still uploading, or a text still waiting for the room's keys (it would leave in
      // clear): later entries of the room wait too, so the order holds.
      if (entry.held) return;
      const { clientId, text, attachments } = entry;
      const frame: ClientFrame = entry.e2e
        ? { type: "send", room, clientId, text: "", e2e: entry.e2e }
        : { type: "send", room, clientId, text };
      if (attachments) {
        frame.attachments = attachments.map(({ id, thumb, media }) => ({
          id,
          ...(thumb ? { thumb: thumb.id } : {}),
          ...(media ? { media } : {}),
        }));
      }
      if (entry.replyTo !== undefined) frame.replyTo = entry.replyTo;
      if (!send(frame)) return;
      this.#inFlight.add(entry.clientId);
    }
  }

  /** Handles an `ack`: removes the entry and returns it (`undefined` if it was not ours). */
  acked(clientId: string): OutboxEntry | undefined {
    this.#inFlight.delete(clientId);
    return this.#options.outbox.remove(clientId);
  }

  /**
   * Handles an `error` frame if it names an outbox entry.
   *
   * @returns Whether the frame was about an entry.
   */
  rejected(frame: ErrorFrame): boolean {
    const { outbox } = this.#options;
    const entry = frame.clientId === undefined ? undefined : outbox.get(frame.clientId);
    if (!entry) return false;
    this.#inFlight.delete(entry.clientId);
    if (PERMANENT_ERRORS.has(frame.code)) outbox.update(entry.clientId, "failed", frame.message);
    else this.#hold(entry.room, frame.retryAfterMs ?? RETRY_LATER_MS);
    return true;
  }

  /** Makes a failed entry pending again and sends it. */
  retry(clientId: string): void {
    const entry = this.#options.outbox.get(clientId);
    if (!entry) return;
    this.#options.outbox.update(clientId, "pending");
    this.flush(entry.room);
  }

  /** Drops an entry at the user's request. */
  discard(clientId: string): void {
    this.#options.outbox.remove(clientId);
    this.#inFlight.delete(clientId);
  }

  /** Forgets what was sent on the socket that just closed, and any rate-limit pause. */
  reset(): void {
    for (const timer of this.#held.values()) this.#options.clock.clearTimeout(timer);
    this.#held.clear();
    this.#inFlight.clear();
  }

  #hold(room: string, ms: number): void {
    const { clock } = this.#options;
    clock.clearTimeout(this.#held.get(room));
    this.#held.set(
      room,
      clock.setTimeout(() => {
        this.#held.delete(room);
        this.flush(room);
      }, ms),
    );
  }
}
