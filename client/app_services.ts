/**
 * What the chat page runs beside the island once it is up, loaded after first paint (a chunk
 * of its own): notifications and the service worker ({@linkcode startNotifier}), the
 * offline copies of the last messages ({@linkcode keepOfflineSnapshots}), the "away" status
 * after idle time ({@linkcode watchAway}), the unread count on the favicon, and the logout's
 * question about this device's end-to-end keys ({@linkcode guardLogout}).
 *
 * @module
 */
import { effect } from "@preact/signals";
import { watchAway } from "./away_watch.ts";
import { showFaviconBadge } from "./favicon_badge.ts";
import { guardLogout } from "./logout_guard.ts";
import { type AppParts, startNotifier } from "./notify/start_notifier.ts";
import { keepOfflineSnapshots } from "./offline_snapshot.ts";

/** Starts them all; returns a function that stops them all. */
export function startAppServices(parts: AppParts): () => void {
  const stopNotifier = startNotifier(parts);
  const stopSnapshots = keepOfflineSnapshots(parts.client, parts.store);
  const stopAway = watchAway((away) => parts.client.setAway(away));
  const stopBadge = effect(() => showFaviconBadge(parts.store.unreadTotal.value));
  const stopGuard = guardLogout(parts.client, parts.t);
  return () => {
    stopGuard();
    stopBadge();
    stopAway();
    stopSnapshots();
    stopNotifier();
  };
}
