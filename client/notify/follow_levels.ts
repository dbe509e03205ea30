/**
 * When the page reads its notification levels again, started with the app services (a chunk
 * loaded after first paint, not first-load): the `notify_level` events tell it of each change
 * only while one of its sockets is there to get them.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ChatClient } from "../chat_client.ts";
import type { NotifyLevels } from "./notify_levels.ts";
import { relistLevels } from "./relist_levels.ts";

/**
 * Reads the user's levels again ({@linkcode relistLevels}) after every reconnect (the events
 * sent while the socket was down are lost), and after the first `welcome` seen here when its
 * mark (`lists.rooms` of {@linkcode ChatClient.welcome}: the user's `rooms_mark`, which every
 * level change sets) is newer than the list the page holds
 * ({@linkcode NotifyLevels.listed}): a change made between the page's render and its first
 * socket, whose event went out to no socket of the page. Without such a change, a page load
 * costs no read.
 *
 * The connect reads the mark in the same KV `getMany` as the session; the node holds the
 * user's events from just before that read and sends them after the `welcome`, so a change
 * committed during the upgrade's round trip is in the mark or in a `notify_level` event
 * (`lib/realtime/held_events.ts`), which {@linkcode NotifyLevels.changed} orders by version
 * against the list read again.
 *
 * @param relist Reads the list (tests give one that counts).
 * @returns A function that stops following.
 *
 * @example
 * ```ts
 * const stop = followLevels(client, levels);
 * ```
 */
export function followLevels(
  client: ChatClient,
  levels: NotifyLevels,
  relist: (levels: NotifyLevels) => Promise<void> = relistLevels,
): () => void {
  let first = true;
  let wasOnline = false;
  return effect(() => {
    const online = client.status.value.state === "online";
    if (online && !wasOnline) {
      if (!first || client.welcome!.lists.rooms > levels.listed) void relist(levels);
      first = false;
    }
    wasOnline = online;
  });
}
