/**
 * What the chat page runs beside the island once it is up, loaded after first paint (a chunk
 * of its own): notifications and the service worker ({@linkcode startNotifier}) and the
 * offline copies of the last messages ({@linkcode keepOfflineSnapshots}).
 *
 * @module
 */
import { type AppParts, startNotifier } from "./notify/start_notifier.ts";
import { keepOfflineSnapshots } from "./offline_snapshot.ts";

/** Starts both; returns a function that stops both. */
export function startAppServices(parts: AppParts): () => void {
  const stopNotifier = startNotifier(parts);
  const stopSnapshots = keepOfflineSnapshots(parts.client, parts.store);
  return () => {
    stopSnapshots();
    stopNotifier();
  };
}
