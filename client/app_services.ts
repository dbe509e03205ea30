/**
 * What the chat page runs beside the island once it is up, loaded after first paint (a chunk
 * of its own): notifications and the service worker ({@linkcode startNotifier}), the
 * offline copies of the last messages ({@linkcode keepOfflineSnapshots}), the "away" status
 * after idle time ({@linkcode watchAway}), the unread count on the favicon, the logout's
 * question about this device's end-to-end keys ({@linkcode guardLogout}), the redirect when the
 * session ended elsewhere ({@linkcode followSessionEnd}), the lookup of a linked conversation
 * that the first page does not hold ({@linkcode followSelection}) and of one with news that no
 * loaded page holds ({@linkcode listOnActivity}), and the conversation list's next pages as the
 * sidebar is scrolled ({@linkcode loadOnScroll}), and the notification levels
 * ({@linkcode followLevels}) and the conversation and friend lists ({@linkcode followLists}) read
 * again when the socket may have missed a change.
 *
 * @module
 */
import { effect } from "@preact/signals";
import { watchAway } from "./away_watch.ts";
import { followSelection, listOnActivity } from "./conversation_lookup.ts";
import { showFaviconBadge } from "./favicon_badge.ts";
import { guardLogout } from "./logout_guard.ts";
import { followLists } from "./follow_lists.ts";
import { followLevels } from "./notify/follow_levels.ts";
import { type AppParts, startNotifier } from "./notify/start_notifier.ts";
import { keepOfflineSnapshots } from "./offline_snapshot.ts";
import { loadOnScroll } from "./scroll_loading.ts";
import { followSessionEnd } from "./session_end.ts";

/** Starts them all; returns a function that stops them all. */
export function startAppServices(parts: AppParts): () => void {
  const stopNotifier = startNotifier(parts);
  const stopSnapshots = keepOfflineSnapshots(parts.client, parts.store);
  const stopAway = watchAway((away) => parts.client.setAway(away));
  const stopBadge = effect(() => showFaviconBadge(parts.store.unreadTotal.value));
  const stopGuard = guardLogout(parts.client, parts.t);
  const stopLookup = followSelection(parts.store, (id) => parts.client.room(id).list.value.at(-1));
  const stopActivity = listOnActivity(parts.client, parts.store);
  const stopSessionEnd = followSessionEnd(parts.client);
  const stopScrollLoading = loadOnScroll(parts.store);
  const stopLevels = followLevels(parts.client, parts.levels);
  const stopLists = followLists(parts.client, parts.store, parts.listMarks);
  return () => {
    stopLists();
    stopLevels();
    stopScrollLoading();
    stopSessionEnd();
    stopActivity();
    stopLookup();
    stopGuard();
    stopBadge();
    stopAway();
    stopSnapshots();
    stopNotifier();
  };
}
