/**
 * `GET /api/conversations` for the islands, and the live merge of a listed conversation
 * with the newest message the client holds.
 *
 * @module
 */
import type { Conversation, ConversationPage } from "../lib/common/api_types.ts";
import { lastMessageOf } from "../lib/common/message_gist.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { request } from "./rooms_api.ts";

/**
 * One page of the user's conversations, most recent activity first.
 *
 * @throws {ApiRequestError} On an error answer or no answer.
 */
export function listConversations(cursor?: string, limit?: number): Promise<ConversationPage> {
  const query = new URLSearchParams();
  if (cursor) query.set("cursor", cursor);
  if (limit) query.set("limit", String(limit));
  const search = query.size > 0 ? `?${query}` : "";
  return request<ConversationPage>("GET", `/api/conversations${search}`);
}

/**
 * `conversation` updated with `newest` (the newest message the client holds for the room)
 * when that is newer than what the server listed, or the same message changed since (edited,
 * deleted); otherwise `conversation` itself.
 */
export function withNewest(conversation: Conversation, newest?: ChatMessage): Conversation {
  const listed = conversation.last?.seq ?? 0;
  if (!newest || newest.seq < listed || (newest.seq === listed && !newest.revision)) {
    return conversation;
  }
  const last = lastMessageOf(newest);
  return { ...conversation, last, activity: Math.max(conversation.activity, newest.at) };
}

/** Sorts by activity, most recent first (ties by room id), as the server does. */
export function byActivity(a: Conversation, b: Conversation): number {
  return b.activity - a.activity || (a.room.id < b.room.id ? -1 : 1);
}
