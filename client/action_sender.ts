/**
 * Edits, deletes and reactions on their way to the server: each is sent with a fresh
 * `clientId` and kept until its `ack` or a refusal, and sent again with the same `clientId`
 * after a reconnect, so the server stores it once however often it is retried. Unlike the
 * outbox, pending actions live only as long as the page.
 *
 * @module
 */
import type { ClientFrame, ErrorFrame } from "../lib/common/protocol.ts";

/** An edit, delete or react frame. */
export type ActionRequest = Extract<ClientFrame, { type: "edit" | "delete" | "react" }>;

/** Actions sent and not yet answered. */
export class ActionSender {
  readonly #pending = new Map<string, ActionRequest>();
  readonly #send: (frame: ClientFrame) => boolean;

  /** @param send Sends a frame now; false when the socket is not open. */
  constructor(send: (frame: ClientFrame) => boolean) {
    this.#send = send;
  }

  /** Sends an action now if possible, and keeps it until answered. */
  submit(frame: ActionRequest): void {
    this.#pending.set(frame.clientId, frame);
    this.#send(frame);
  }

  /** Sends again, with their clientIds, the pending actions of a room just subscribed. */
  resend(room: string): void {
    for (const frame of this.#pending.values()) if (frame.room === room) this.#send(frame);
  }

  /** Handles an `ack`; true when it answered an action. */
  acked(clientId: string): boolean {
    return this.#pending.delete(clientId);
  }

  /**
   * Handles an `error`: a refused action is dropped, and returned so the caller can say why;
   * a rate limit or a server error keeps it for the next resend.
   */
  rejected(frame: ErrorFrame): ActionRequest | undefined {
    const pending = frame.clientId === undefined ? undefined : this.#pending.get(frame.clientId);
    if (!pending) return undefined;
    if (frame.code !== "rate_limited" && frame.code !== "internal") {
      this.#pending.delete(pending.clientId);
    }
    return pending;
  }
}
