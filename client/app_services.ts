/**
 * What the chat page runs beside the island once it is up, loaded after first paint (a chunk
 * of its own): notifications and the service worker ({@linkcode startNotifier}), the
 * offline copies of the last messages ({@linkcode keepOfflineSnapshots}), the "away" status
 * after idle time ({@linkcode watchAway}) and the unread count on the favicon.
 *
 * @module
 */
import { effect } from "@preact/signals";
import { watchAway } from "./away_watch.ts";
import { showFaviconBadge } from "./favicon_badge.ts";
import { type AppParts, startNotifier } from "./notify/start_notifier.ts";
import { keepOfflineSnapshots } from "./offline_snapshot.ts";

/** Starts them all; returns a function that stops them all. */
export function startAppServices(parts: AppParts): () => void {
  const stopNotifier = startNotifier(parts);
  const stopSnapshots = keepOfflineSnapshots(parts.client, parts.store);
  const stopAway = watchAway((away) => parts.client.setAway(away));
  const stopBadge = effect(() => showFaviconBadge(parts.store.unreadTotal.value));
  return () => {
    stopBadge();
    stopAway();
    stopSnapshots();
    stopNotifier();
  };
}
