/**
 * What the message actions need across views, held once: the message the composer replies
 * to, the message being edited inline, and the message to bring into view (a clicked quote
 * or a link to a message). The room list, composer and message list read these signals.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { ChatMessage } from "../lib/common/protocol.ts";

/** A message of a room. */
export interface MessageRef {
  room: string;
  seq: number;
}

/** The message actions' shared state; one per island. */
export class MessageActionsState {
  /** The message the next send replies to. */
  readonly replyTo = signal<ChatMessage | null>(null);
  /** The message whose inline editor is open. */
  readonly editing = signal<MessageRef | null>(null);
  /** The message to scroll to (loading older history until it is held), then highlight. */
  readonly jumpTo = signal<MessageRef | null>(null);

  /** The reply target, if it belongs to `room`. */
  replyIn(room: string): ChatMessage | null {
    const message = this.replyTo.value;
    return message?.room === room ? message : null;
  }

  /** True when the inline editor of `seq` in `room` is open. */
  isEditing(room: string, seq: number | undefined): boolean {
    const editing = this.editing.value;
    return editing !== null && editing.room === room && editing.seq === seq;
  }
}
