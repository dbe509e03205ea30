/**
 * Which messages to announce to a screen reader: those that arrived after the newest one
 * already seen, written by someone else.
 *
 * @module
 */
import type { ChatMessage } from "../lib/common/protocol.ts";

/**
 * The messages after `seenSeq` not sent by `userId`, oldest first. Older pages loaded above
 * have smaller seqs, so they never count; neither does the history before `seenSeq`.
 *
 * @example
 * ```ts
 * arrivalsAfter(room.list.value, 41, me.id); // the others' messages with seq 42 and later
 * ```
 *
 * @param messages A room's stored messages in seq order.
 * @param seenSeq The newest seq already shown (announced or part of the loaded history).
 * @param userId The signed-in user, whose own messages are not announced.
 */
export function arrivalsAfter(
  messages: readonly ChatMessage[],
  seenSeq: number,
  userId: string,
): ChatMessage[] {
  const arrived: ChatMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.seq <= seenSeq) break;
    if (message.from !== userId) arrived.unshift(message);
  }
  return arrived;
}
