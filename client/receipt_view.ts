import type { ChatMessage, Reader } from "../lib/common/protocol.ts";

/** Where a read receipt shows, and who it counts. */
export interface ReceiptView {
  /** The own message it sits under: the newest own message anyone has read. */
  seq: number;
  /** The other members who read at least that far, by username. */
  readers: Reader[];
}

/**
 * The read receipt of a room for `userId`: under their newest message that another member has
 * read ("Seen" in a DM, "Seen by N" in a group), or undefined when none has been read.
 */
export function receiptView(
  messages: readonly ChatMessage[],
  readers: ReadonlyMap<string, Reader>,
  userId: string,
): ReceiptView | undefined {
  const others = [...readers.values()].filter((reader) => reader.id !== userId);
  if (others.length === 0) return undefined;
  const furthest = Math.max(...others.map((reader) => reader.seq));
  const message = messages.findLast((m) => m.from === userId && !m.deleted && m.seq <= furthest);
  if (!message) return undefined;
  return {
    seq: message.seq,
    readers: others.filter((reader) => reader.seq >= message.seq)
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
