/**
 * The page's side of the service worker (`/sw.js`, see `static/sw.js`): registering it, and
 * following its "open this conversation" messages (a notification was clicked).
 *
 * @module
 */

/** Registers `/sw.js` for the whole site; nothing where service workers are unavailable. */
export function registerServiceWorker(): void {
  navigator.serviceWorker?.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("service worker registration failed", error);
  });
}

/** The registration, once a worker is active; null where service workers are unavailable. */
export async function activeRegistration(): Promise<ServiceWorkerRegistration | null> {
  return navigator.serviceWorker ? await navigator.serviceWorker.ready : null;
}

/**
 * Calls `open` with the room a clicked notification names (the worker focused this tab).
 * Returns a function that stops listening.
 */
export function onOpenRoom(open: (room: string) => void): () => void {
  const container = navigator.serviceWorker;
  if (!container) return () => {};
  const listener = (event: MessageEvent) => {
    const data = event.data;
    if (data?.type === "open-room" && typeof data.room === "string") open(data.room);
  };
  container.addEventListener("message", listener);
  return () => container.removeEventListener("message", listener);
}
