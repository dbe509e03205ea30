/**
 * The last loaded messages, kept for offline: the newest entries of the listed conversations
 * go to Cache Storage (`chat-messages`, under the user's id), a few seconds after they change;
 * and when the conversation list changes, the service worker is asked to keep a fresh copy of
 * the page (which carries the list).
 * A page that starts without a connection shows them until it connects (see
 * `ChatClient.restore`). The service worker deletes them at logout.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";

/** The cache the service worker also knows (and deletes at logout). */
export const MESSAGES_CACHE = "chat-messages";
/** Entries kept per conversation (action entries included, so the seqs stay contiguous). */
export const SNAPSHOT_ENTRIES = 50;
/** Conversations kept: the first of the list. */
export const SNAPSHOT_ROOMS = 20;
/** How long after a change a room's copy is written. */
const SAVE_DELAY_MS = 2000;

const address = (userId: string, roomId: string) =>
  `/offline/${encodeURIComponent(userId)}/${encodeURIComponent(roomId)}`;

/** Writes the newest {@linkcode SNAPSHOT_ENTRIES} of a room's messages. */
export async function saveSnapshot(
  userId: string,
  roomId: string,
  messages: readonly ChatMessage[],
): Promise<void> {
  const cache = await caches.open(MESSAGES_CACHE);
  const body = JSON.stringify(messages.slice(-SNAPSHOT_ENTRIES));
  await cache.put(address(userId, roomId), new Response(body));
}

/** The kept messages of a room, or none. */
export async function loadSnapshot(userId: string, roomId: string): Promise<ChatMessage[]> {
  const cache = await caches.open(MESSAGES_CACHE);
  const found = await cache.match(address(userId, roomId));
  const messages = found ? await found.json() : [];
  return Array.isArray(messages) ? messages : [];
}

/** Asks the service worker to keep a fresh copy of the chat page. */
async function refreshKeptPage(): Promise<void> {
  const registration = await navigator.serviceWorker?.ready;
  registration?.active?.postMessage({ type: "refresh-page" });
}

/**
 * Keeps the copies up to date while the page runs, and shows them when the page starts
 * without a connection (before its first successful connect).
 *
 * @returns A function that stops it.
 */
export function keepOfflineSnapshots(client: ChatClient, store: ChatStore): () => void {
  {
    if (typeof caches === "undefined") return () => {};
    const userId = client.user.id;
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const stopSaving = effect(() => {
      for (const { room } of store.conversations.value.slice(0, SNAPSHOT_ROOMS)) {
        const state = client.room(room.id);
        // Reading the messages subscribes to them: a change schedules the room's write.
        if (state.messages.value.size === 0 || !state.loaded.value || timers.has(room.id)) {
          continue;
        }
        timers.set(
          room.id,
          setTimeout(() => {
            timers.delete(room.id);
            const held = [...client.room(room.id).messages.peek().values()];
            saveSnapshot(userId, room.id, held).catch(() => {});
          }, SAVE_DELAY_MS),
        );
      }
    });
    // The kept page carries the conversation list: a changed list asks the worker for a
    // fresh copy (rare: joining, leaving, a new DM), never once per message.
    let listed: string | null = null;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const stopListing = effect(() => {
      const ids = store.conversations.value.map(({ room }) => room.id).sort().join(" ");
      const before = listed;
      listed = ids;
      if (before === null || ids === before) return;
      clearTimeout(refresh);
      refresh = setTimeout(() => void refreshKeptPage(), SAVE_DELAY_MS);
    });
    let restored = false;
    const stopRestoring = effect(() => {
      const state = client.status.value.state;
      if (state === "online") restored = true;
      if (restored || state === "connecting") return;
      restored = true;
      for (const { room } of store.conversations.peek().slice(0, SNAPSHOT_ROOMS)) {
        loadSnapshot(userId, room.id).then((messages) => client.restore(room.id, messages))
          .catch(() => {});
      }
    });
    return () => {
      stopSaving();
      stopListing();
      clearTimeout(refresh);
      stopRestoring();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }
}
