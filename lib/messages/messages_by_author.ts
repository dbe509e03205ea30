/**
 * The messages one user wrote, found by reading the whole log of every room they are in: there
 * is no index of messages by author, and keeping one would cost a write per message sent for
 * what only an export or an account deletion reads. The cost is one page read per
 * {@linkcode AUTHOR_SCAN_PAGE} messages of each room, whoever wrote them (a user in 20 rooms of
 * 10,000 messages each: 400 reads). Rooms the user has left are not read: nothing records
 * that they were ever in them (but the account deletion finds their messages with files there
 * by `author_files.ts`).
 *
 * @module
 */
import { type ChatMessage, isActionEntry } from "../common/protocol.ts";
import type { MessageStore } from "./message_store.ts";

/** Messages read from the store per page. */
export const AUTHOR_SCAN_PAGE = 500;

/**
 * Yields, room by room and in seq order, the messages `userId` wrote in `rooms` that are
 * still there: no system messages, no action entries (edits, deletes, reactions), no
 * deleted messages. Pages are read one at a time, so a caller streaming the result holds one
 * page in memory.
 */
export async function* messagesByAuthor(
  store: Pick<MessageStore, "after">,
  rooms: readonly string[],
  userId: string,
): AsyncGenerator<ChatMessage> {
  for (const room of rooms) {
    let after = 0;
    while (true) {
      const page = await store.after(room, after, AUTHOR_SCAN_PAGE);
      for (const message of page) {
        if (message.from !== userId || message.kind === "system") continue;
        if (isActionEntry(message) || message.deleted) continue;
        yield message;
      }
      if (page.length < AUTHOR_SCAN_PAGE) break;
      after = page.at(-1)!.seq;
    }
  }
}
