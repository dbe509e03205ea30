/**
 * The read state of each conversation on a page of the conversation list: the marker and the
 * unread and mention counts, so badges are right on the first paint after a reload.
 *
 * Counted on read, not kept per user: a room with nothing new costs nothing (its newest seq is
 * already known), and one with news costs one range read of its newest
 * {@linkcode UNREAD_WINDOW} messages, counted with the same {@linkcode countUnread} the
 * browser uses. A counter per member kept with every append would cost a write per member per
 * message instead (1,000 writes for one message in a room of 1,000).
 *
 * @module
 */
import type { LastMessage, ReadState } from "../common/api_types.ts";
import { countUnread, UNREAD_WINDOW } from "../common/unread.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { effectiveMarker } from "./read_markers.ts";

/** One conversation to count: its room, newest message and when the user joined it. */
export interface ReadStateQuery {
  room: string;
  last?: LastMessage;
  joinedAt: number;
}

/** The read state of each conversation, in the order given. */
export function readStates(
  store: MessageStore,
  markers: ReadonlyMap<string, number>,
  userId: string,
  conversations: readonly ReadStateQuery[],
): Promise<ReadState[]> {
  return Promise.all(conversations.map(async ({ room, last, joinedAt }) => {
    const stored = markers.get(room);
    if (!last || (stored !== undefined && last.seq <= stored)) {
      return { seq: stored ?? last?.seq ?? 0, unread: 0, mentions: 0, more: false };
    }
    const newest = await store.before(room, undefined, UNREAD_WINDOW);
    const seq = effectiveMarker(stored, newest, joinedAt);
    const hasOlder = (newest[0]?.seq ?? 1) > 1;
    return { seq, ...countUnread(newest, seq, userId, hasOlder) };
  }));
}
