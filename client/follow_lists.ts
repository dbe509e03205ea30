/**
 * The page's conversation and friend lists read again when its first socket tells of a change
 * they miss, started with the app services (a chunk loaded after first paint, not first-load).
 *
 * The page reads its lists while it renders; the user events that tell of each change (a room
 * joined, a DM opened, a mute, a friend request or acceptance...) reach it only once a socket
 * of it is there. A change committed in between went out to no socket of the page: the first
 * `welcome` carries the marks of the lists as its connect read them, and a list whose mark is
 * newer than the page's is read again. After a reconnect the island reads both anyway.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ListMarks } from "../lib/common/api_types.ts";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";

/**
 * After the first `welcome` seen here, reads the conversation list again
 * ({@linkcode ChatStore.refresh}) when the welcome's `rooms` mark is newer than the page's
 * (`listed`), and the friend lists ({@linkcode ChatStore.refreshFriends}) when its `friends`
 * mark is. Without a change since the render, a page load costs no read.
 *
 * The connect reads the marks in the same KV `getMany` as the session; the node holds the
 * user's events from just before that read and sends them after the `welcome`, so a change
 * committed during the upgrade's round trip is in the marks or told live
 * (`lib/realtime/held_events.ts`). A live change that comes in while a list is read again is
 * applied again over the answer ({@linkcode ChatStore.refresh}).
 *
 * @param listed The marks of the lists the page came with.
 * @returns A function that stops following.
 *
 * @example
 * ```ts
 * const stop = followLists(client, store, props.listMarks);
 * ```
 */
export function followLists(client: ChatClient, store: ChatStore, listed: ListMarks): () => void {
  let done = false;
  return effect(() => {
    if (done || client.status.value.state !== "online") return;
    done = true;
    const { rooms, friends } = client.welcome!.lists;
    if (rooms > listed.rooms) void store.refresh();
    if (friends > listed.friends) void store.refreshFriends();
  });
}
