/**
 * A user's own data as one JSON document, streamed: their account and profile, the names of
 * their friends, the rooms they are in, and the messages they wrote there (text, time, room,
 * attachments' names and types). Nothing else of other people: no other member lists, no
 * other authors' messages, no quoted replies (a reply keeps only the seq it answers), no
 * mentions, no reactions. Messages are found by reading the log of each of their rooms
 * (`messagesByAuthor`: there is no index by author), one page at a time, written out as they
 * are read, so memory stays at one page whatever the history's size.
 *
 * @module
 */
import type { ChatMessage } from "../common/protocol.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { messagesByAuthor } from "../messages/messages_by_author.ts";
import { roomsOfUser } from "../rooms/memberships.ts";
import { readRooms } from "../rooms/rooms.ts";
import type { Friends } from "../social/friends.ts";
import type { Accounts } from "./accounts.ts";
import type { Profiles } from "./profiles.ts";

/** What {@linkcode exportAccount} reads. */
export interface ExportDeps {
  kv: Deno.Kv;
  accounts: Pick<Accounts, "get">;
  profiles: Pick<Profiles, "get" | "locale">;
  friends: Pick<Friends, "lists">;
  store: Pick<MessageStore, "after">;
  /** Time of the export, in milliseconds since the epoch. */
  now: number;
}

/** One exported message. */
export interface ExportedMessage {
  room: string;
  seq: number;
  at: number;
  text: string;
  editedAt?: number;
  replyToSeq?: number;
  attachments?: { name: string; type: string; size: number }[];
}

/**
 * The export of `userId` as a stream of UTF-8 JSON, or null when there is no such account.
 * The head (everything but the messages) is read before the stream starts; the messages
 * follow as the stream is read.
 */
export async function exportAccount(
  deps: ExportDeps,
  userId: string,
): Promise<ReadableStream<Uint8Array> | null> {
  const [account, profile, locale, lists, memberships] = await Promise.all([
    deps.accounts.get(userId),
    deps.profiles.get(userId),
    deps.profiles.locale(userId),
    deps.friends.lists(userId),
    roomsOfUser(deps.kv, userId),
  ]);
  if (!account || !profile) return null;
  const roomIds = memberships.map((entry) => entry.roomId);
  const records = await readRooms(deps.kv, roomIds);
  const head = {
    exportedAt: new Date(deps.now).toISOString(),
    account: {
      id: account.id,
      username: account.name,
      createdAt: new Date(account.createdAt).toISOString(),
      ...(account.admin ? { admin: true } : {}),
    },
    profile: {
      displayName: profile.displayName,
      status: profile.status,
      locale,
      ...(profile.avatarUrl ? { avatarUrl: profile.avatarUrl } : {}),
    },
    friends: lists.friends.map((friend) => ({
      username: friend.name,
      displayName: friend.displayName,
    })),
    rooms: memberships.map(({ roomId, membership }, i) => ({
      id: roomId,
      name: records[i]?.visibility === "direct" ? "" : records[i]?.name ?? "",
      direct: records[i]?.visibility === "direct",
      role: membership.role ?? "member",
      joinedAt: new Date(membership.joinedAt).toISOString(),
    })),
  };
  const encoder = new TextEncoder();
  const opening = JSON.stringify(head).slice(0, -1) + ',"messages":[';
  const messages = messagesByAuthor(deps.store, roomIds, userId);
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(opening));
    },
    async pull(controller) {
      // One page's worth per pull, so a slow reader holds back the reading of the store.
      let chunk = "";
      for (let n = 0; n < 200; n++) {
        const next = await messages.next();
        if (next.done) {
          controller.enqueue(encoder.encode(chunk + "]}\n"));
          controller.close();
          return;
        }
        chunk += (first ? "" : ",") + JSON.stringify(exported(next.value));
        first = false;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await messages.return(undefined);
    },
  });
}

function exported(message: ChatMessage): ExportedMessage {
  const item: ExportedMessage = {
    room: message.room,
    seq: message.seq,
    at: message.at,
    text: message.text,
  };
  if (message.editedAt !== undefined) item.editedAt = message.editedAt;
  if (message.replyTo) item.replyToSeq = message.replyTo.seq;
  if (message.attachments?.length) {
    item.attachments = message.attachments.map(({ name, type, size }) => ({ name, type, size }));
  }
  return item;
}
