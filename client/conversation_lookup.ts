/**
 * Looks up a conversation no loaded page holds: the one a link names (a link to an old
 * conversation, a search hit, a notification), and one with a new message the client does not
 * follow (a `activity` notice): the chat page brings only the first page of the
 * conversation list. Loaded after first paint with the other app services, so the first-load
 * bundle does not carry it.
 *
 * @module
 */
import { effect, untracked } from "@preact/signals";
import type { Conversation, ConversationRoom } from "../lib/common/api_types.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";
import { shownTextOf } from "./error_text.ts";
import { request } from "./rooms_api.ts";

/**
 * One conversation of the user, wherever it ranks (`GET /api/conversations/:id`).
 *
 * @throws {ApiRequestError} With status 404 when the user is not in that room.
 */
export function conversationOf(id: string): Promise<Conversation> {
  return request<Conversation>("GET", `/api/conversations/${encodeURIComponent(id)}`);
}

/**
 * Follows {@linkcode ChatStore.unknownSelected}: asks the server for each such room once at a
 * time (`GET /api/conversations/:id`) and hands the answer to the store, shown but not listed.
 * Once a message newer than the answer's arrives in it (the room is followed while shown), it
 * is listed at the top like any conversation with new activity. A room the user is not in
 * (404) is marked so, and the first loaded room is shown instead; any other failure (offline)
 * is shown in the sidebar and tried again when the lists change (the refresh after a
 * reconnect).
 *
 * @example
 * ```ts
 * const stop = followSelection(store, (id) => client.room(id).list.value.at(-1));
 * location.hash = "#room=r-old"; // shown once the server has answered
 * stop();
 * ```
 *
 * @param store The island's state.
 * @param newestOf The newest message the client holds for a room (a signal read).
 * @param lookUp The request; the real one by default, a fake in tests.
 * @returns A function that stops following.
 */
export function followSelection(
  store: ChatStore,
  newestOf: (id: string) => ChatMessage | undefined,
  lookUp: (id: string) => Promise<Conversation> = conversationOf,
): () => void {
  const asking = new Set<string>();
  const watching: (() => void)[] = [];
  const found = (conversation: Conversation) => {
    store.conversationFound(conversation);
    let listed = false;
    watching.push(effect(() => {
      const newest = newestOf(conversation.room.id);
      if (listed || !newest || newest.seq <= (conversation.last?.seq ?? 0)) return;
      listed = true;
      untracked(() => listActive(store, conversation.room));
    }));
  };
  const stop = effect(() => {
    const id = store.unknownSelected.value;
    // Read to run again when the lists change (a refresh after a reconnect): a lookup that
    // failed offline is tried again then.
    store.conversations.value;
    if (id === null || asking.has(id)) return;
    asking.add(id);
    untracked(() => {
      lookUp(id).then(found, (error) => {
        if ((error as { status?: number }).status === 404) store.roomRemoved(id);
        else store.sidebarError.value = shownTextOf(error);
      }).finally(() => asking.delete(id));
    });
  });
  return () => {
    stop();
    for (const unwatch of watching) unwatch();
  };
}

/** Lists a conversation with new activity at the top, as a live join or DM would be. */
function listActive(store: ChatStore, room: ConversationRoom): void {
  if (room.kind === "group") return store.roomJoined(room);
  const { id, peer, createdAt, encrypted } = room;
  store.dmOpened({ id, peer, createdAt, ...(encrypted ? { encrypted } : {}) });
}

/**
 * Follows the `activity` notices: each names a conversation with a new message that this
 * tab does not follow. It is looked up (`GET /api/conversations/:id`, once at a time per room)
 * and listed at the top, its read state handed to the client for the unread badge; the island
 * then follows it as every listed room, and its newest messages give the preview. One the user
 * is no longer in (404) is left out; any other failure waits for the next notice or the
 * refresh after a reconnect.
 *
 * @example
 * ```ts
 * const stop = listOnActivity(client, store);
 * // A friend from page 3 writes: their conversation is first in the list, with its badge.
 * stop();
 * ```
 *
 * @param client The live notices (`ChatClient.onUserEvent`) and the read states' keeper.
 * @param store The island's state.
 * @param lookUp The request; the real one by default, a fake in tests.
 * @returns A function that stops following.
 */
export function listOnActivity(
  client: Pick<ChatClient, "onUserEvent" | "takeReadStates">,
  store: ChatStore,
  lookUp: (id: string) => Promise<Conversation> = conversationOf,
): () => void {
  const asking = new Set<string>();
  return client.onUserEvent((event) => {
    if (event.kind !== "activity" || asking.has(event.roomId)) return;
    const id = event.roomId;
    asking.add(id);
    lookUp(id).then((conversation) => {
      listActive(store, conversation.room);
      client.takeReadStates([conversation]);
      // Not in the room (any more), or offline: a reconnect refreshes the list.
    }, () => {}).finally(() => asking.delete(id));
  });
}
