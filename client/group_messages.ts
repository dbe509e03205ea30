import type { Attachment } from "../lib/common/attachments.ts";
import type { PublicUser } from "../lib/common/api_types.ts";
import type { ChatMessage, RoomEvent } from "../lib/common/protocol.ts";
import type { OutboxEntry } from "./outbox.ts";

/**
 * How an own message is doing: in the outbox (`waiting` while an encrypted room's text waits for
 * this device to have the room's keys, `pending` once it can go), acknowledged, or refused.
 */
export type DeliveryStatus = "pending" | "waiting" | "sent" | "failed";

/** One line of the message list: a stored message or an outbox entry. */
export interface DisplayMessage {
  /** Stable key: `m<seq>` for stored messages, `c<clientId>` for outbox entries. */
  key: string;
  /** Seq of a stored message. */
  seq?: number;
  /** `clientId` of an outbox entry. */
  clientId?: string;
  text: string;
  /** What a system message tells, as received (see `ChatMessage.event`). */
  event?: RoomEvent;
  at: number;
  /** Delivery status, for own messages only. */
  status?: DeliveryStatus;
  /** Why a failed message failed. */
  error?: string;
  /** Files attached (the text is then a caption, maybe empty). */
  attachments?: Attachment[];
  /** Whether the server recorded the reader among those this message mentions. */
  mentionsMe?: boolean;
  /** The stored message (its reply quote, edit, delete and reactions); absent in the outbox. */
  stored?: ChatMessage;
}

/** Consecutive messages by one author, shown under a single name. */
export interface MessageGroup {
  key: string;
  from: string;
  author: string;
  own: boolean;
  messages: DisplayMessage[];
}

/** Messages further apart than this start a new group even from the same author. */
const GROUP_GAP_MS = 5 * 60_000;

/**
 * Groups a room's stored messages, followed by the user's outbox entries for the room, into
 * runs by the same author (a pause of over five minutes starts a new run).
 *
 * @param messages Stored messages, ascending by seq.
 * @param outbox Outbox entries of the room, oldest first; shown after every stored message.
 * @param user The signed-in user, whose messages are marked `own` and get a status.
 * @returns The groups in display order.
 */
export function groupMessages(
  messages: readonly ChatMessage[],
  outbox: readonly OutboxEntry[],
  user: PublicUser,
): MessageGroup[] {
  const groups: MessageGroup[] = [];
  let lastAt = -Infinity;
  const add = (from: string, author: string, item: DisplayMessage) => {
    const group = groups.at(-1);
    if (group && group.from === from && item.at - lastAt <= GROUP_GAP_MS) {
      group.messages.push(item);
    } else {
      groups.push({ key: item.key, from, author, own: from === user.id, messages: [item] });
    }
    lastAt = item.at;
  };
  for (const message of messages) {
    const own = message.from === user.id;
    const { seq, text, at, event, attachments } = message;
    add(message.from, message.author, {
      key: `m${seq}`,
      seq,
      text,
      ...(event !== undefined ? { event } : {}),
      ...(attachments !== undefined ? { attachments } : {}),
      at,
      ...(own ? { status: "sent" as const } : {}),
      ...(message.mentions?.includes(user.id) ? { mentionsMe: true } : {}),
      stored: message,
    });
  }
  for (const entry of outbox) {
    const { clientId, text, status, error } = entry;
    const item: DisplayMessage = {
      key: `c${clientId}`,
      clientId,
      text,
      at: entry.createdAt,
      status: status === "pending" && entry.held === "keys" ? "waiting" : status,
    };
    if (error !== undefined) item.error = error;
    if (entry.attachments !== undefined) item.attachments = entry.attachments;
    add(user.id, user.name, item);
  }
  return groups;
}
