/**
 * Notification levels, shared by the server (the stored setting) and the browser (the
 * decision to notify): per conversation, "all messages", "mentions only" or "nothing".
 *
 * @module
 */
import { type ChatMessage, isActionEntry } from "./protocol.ts";
import { mentionsUser } from "./unread.ts";

/** The levels, in the order the menu lists them. */
export const NOTIFY_LEVELS = ["all", "mentions", "none"] as const;

/** What a user is notified of in one conversation. */
export type NotifyLevel = typeof NOTIFY_LEVELS[number];

/** Whether `value` is one of {@linkcode NOTIFY_LEVELS}. */
export function isNotifyLevel(value: unknown): value is NotifyLevel {
  return (NOTIFY_LEVELS as readonly unknown[]).includes(value);
}

/**
 * The level of a conversation the user never chose one for: every message of a direct
 * conversation, only mentions in a group room (as the apps people know do).
 */
export function defaultNotifyLevel(direct: boolean): NotifyLevel {
  return direct ? "all" : "mentions";
}

/**
 * Whether `message` should notify `userId` at `level`: never their own messages, system
 * messages, action entries (edits, deletes, reactions) or deleted messages; at "mentions"
 * only those whose `mentions` name the user.
 */
export function notifies(level: NotifyLevel, message: ChatMessage, userId: string): boolean {
  if (level === "none" || message.from === userId || message.kind === "system") return false;
  if (isActionEntry(message) || message.deleted) return false;
  return level === "all" || mentionsUser(message, userId);
}
