/**
 * The conversation list: a user's group rooms and direct conversations together, most recent
 * activity first, in pages. The order comes from the user's activity index
 * (`lib/rooms/conversation_index.ts`), so a page reads about a page of entries whatever the
 * number of memberships; then room records, peer profiles and read states of that page only.
 *
 * @module
 */
import type {
  Conversation,
  ConversationPage,
  ConversationRoom,
  ListMarks,
} from "../common/api_types.ts";
import type { MessageStore } from "../messages/message_store.ts";
import type { Profiles } from "../accounts/profiles.ts";
import {
  type ActivityCursor,
  type ListedRoom,
  recentRoom,
  recentRooms,
} from "./conversation_index.ts";
import { readRooms } from "./rooms.ts";
import type { RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";
import type { ReadMarkers } from "../reads/read_markers.ts";
import { readStates } from "../reads/read_states.ts";
import { readListMarks } from "./rooms_mark.ts";

/** Lists conversations for the conversation sidebar and `GET /api/conversations`. */
export class Conversations {
  #kv: Deno.Kv;
  #store: MessageStore;
  #profiles: Profiles;
  #markers: ReadMarkers | undefined;

  /**
   * Reads memberships and rooms from `kv`, summaries from `store`, peers from `profiles`, and
   * the read state of each listed conversation from `markers` (absent: none given).
   */
  constructor(kv: Deno.Kv, store: MessageStore, profiles: Profiles, markers?: ReadMarkers) {
    this.#kv = kv;
    this.#store = store;
    this.#profiles = profiles;
    this.#markers = markers;
  }

  /**
   * The versions of the user's conversation and friend lists ({@linkcode readListMarks}): the
   * page reads them before its lists, and reads a list again when its first socket's `welcome`
   * tells of a newer one.
   */
  async listMarks(userId: string): Promise<ListMarks> {
    return await readListMarks(this.#kv, userId);
  }

  /**
   * One page of the user's conversations, sorted by activity descending (ties by room id).
   * `cursor` is a previous page's `nextCursor`; a malformed one reads as the start. Paging
   * while messages arrive never repeats an entry within one walk unless it got new activity.
   */
  async page(userId: string, cursor: string | undefined, limit: number): Promise<ConversationPage> {
    const { rooms: slice, more } = await recentRooms(
      this.#kv,
      this.#store,
      userId,
      parseCursor(cursor),
      limit,
    );
    const conversations = await this.#conversations(userId, slice);
    const last = slice[slice.length - 1];
    return more && last
      ? { conversations, nextCursor: `${last.activity}.${last.room}` }
      : { conversations };
  }

  /**
   * One of the user's conversations as a page would list it, wherever it ranks: for a link to
   * an old conversation, not on the pages loaded. Null when the user is not in the room (or
   * there is no such room): the caller cannot tell the two apart.
   */
  async one(userId: string, roomId: string): Promise<Conversation | null> {
    const listed = await recentRoom(this.#kv, this.#store, userId, roomId);
    return listed ? (await this.#conversations(userId, [listed]))[0] ?? null : null;
  }

  /** The conversations of `slice`: room records, peers, mutes and read states read at once. */
  async #conversations(userId: string, slice: readonly ListedRoom[]): Promise<Conversation[]> {
    const [rooms, reads] = await Promise.all([
      readRooms(this.#kv, slice.map((c) => c.room)),
      this.#markers?.of(userId).then((markers) => readStates(this.#store, markers, userId, slice)),
    ]);
    return (await Promise.all(slice.map(async (c, i) => {
      const room = await this.#view(rooms[i] ?? null, userId);
      if (!room) return null;
      const conversation: Conversation = { room, activity: c.activity };
      if (c.last) conversation.last = c.last;
      if (c.membership.muted) conversation.muted = await this.#mutedBy(c.membership.mutedBy ?? "");
      const read = reads?.[i];
      if (read) conversation.read = read;
      return conversation;
    }))).filter((c): c is Conversation => c !== null);
  }

  /** Who muted the user, as shown to them: a username, "" when unknown. */
  async #mutedBy(actorId: string): Promise<{ by: string }> {
    if (!actorId) return { by: "" };
    return { by: (await this.#profiles.get(actorId))?.name ?? "" };
  }

  async #view(room: RoomRecord | null, userId: string): Promise<ConversationRoom | null> {
    if (!room) return null;
    if (room.visibility !== "direct") return { ...summary(room), kind: "group" };
    const base = {
      id: room.id,
      name: room.name,
      topic: room.topic,
      createdAt: room.createdAt,
      ...(room.encrypted ? { encrypted: true as const } : {}),
    };
    const peerId = room.members?.find((member) => member !== userId);
    const peer = peerId ? await this.#profiles.get(peerId) : null;
    if (!peer) return null;
    return { ...base, name: peer.displayName, topic: peer.status, kind: "direct", peer };
  }
}

function parseCursor(cursor: string | undefined): ActivityCursor | null {
  const match = cursor?.match(/^(\d{1,16})\.([A-Za-z0-9_-]{1,128})$/);
  return match ? { activity: Number(match[1]), room: match[2]! } : null;
}
