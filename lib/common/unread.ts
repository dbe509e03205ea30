/**
 * Unread counting, shared by the server (the conversation list a page starts with) and the
 * browser (the same count kept live from the messages it holds), so both count alike.
 *
 * @module
 */
import { type ChatMessage, isActionEntry } from "./protocol.ts";

/** Messages the server reads to count a conversation's unread; past them the badge says "99+". */
export const UNREAD_WINDOW = 100;

/** How much of a conversation is unread for one user. */
export interface UnreadCount {
  /** Messages after the read marker that are neither the user's own nor system messages. */
  unread: number;
  /** Of those, the ones whose `mentions` name the user. */
  mentions: number;
  /** True when older unread messages may exist before the ones counted: show "N+". */
  more: boolean;
}

/** No unread message. */
export const NOTHING_UNREAD: UnreadCount = { unread: 0, mentions: 0, more: false };

/**
 * Counts the unread messages among `messages` (ascending by seq, the newest of the room) for
 * `userId`, whose read marker is `readSeq`. `hasOlder` says messages older than the first one
 * given exist: when the marker is before them too, the count is a lower bound (`more`).
 */
export function countUnread(
  messages: readonly ChatMessage[],
  readSeq: number,
  userId: string,
  hasOlder: boolean,
): UnreadCount {
  let unread = 0;
  let mentions = 0;
  for (const message of messages) {
    if (message.seq <= readSeq || !countsAsUnread(message, userId)) continue;
    unread++;
    if (mentionsUser(message, userId)) mentions++;
  }
  const first = messages[0];
  const more = hasOlder && first !== undefined && first.seq > readSeq + 1;
  return { unread, mentions, more };
}

/**
 * Whether a message can be unread for `userId`: own and system messages never are, nor action
 * entries (edits, deletes, reactions), which are never shown, nor deleted messages.
 */
export function countsAsUnread(message: ChatMessage, userId: string): boolean {
  return message.from !== userId && message.kind !== "system" && !isActionEntry(message) &&
    !message.deleted;
}

/** Whether the message's `mentions` (user ids, set by the sender's client) name `userId`. */
export function mentionsUser(message: ChatMessage, userId: string): boolean {
  return Array.isArray(message.mentions) && message.mentions.includes(userId);
}

/** The badge text of a count: "99+" past 99, "N+" when older unread ones were not counted. */
export function badgeText(count: UnreadCount | number): string {
  const { unread, more } = typeof count === "number" ? { unread: count, more: false } : count;
  if (unread > 99) return "99+";
  return more ? `${unread}+` : String(unread);
}
