// The chat's service worker. `deno task build` writes it to `_build/sw.js` after a line
// `const BUILD = { version, shell }` naming the build: the hashed assets to precache.
//
// - The app shell (first-load JS, styles, icons, and the chat page itself) is kept in a cache
//   named after the build; a new build installs a new worker (its bytes differ), which takes
//   over at once (skipWaiting, clients.claim) and deletes the older caches. Pages are fetched
//   from the network first, so a new server always gets its own page and bundle when it can
//   be reached; the cached page (with its hashed assets) is only the offline fallback.
// - The last loaded messages are written by the page (client/offline_snapshot.ts) to the
//   `chat-messages` cache. Logging out, or a page that answers with the login page, deletes
//   them and the cached page: nothing of the user stays behind for the next one.
// - A click on a notification focuses a chat tab and opens its conversation.
/* global BUILD */
"use strict";

const SHELL = `shell-${BUILD.version}`;
const MESSAGES = "chat-messages";
const PAGE = "/";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // One missing file must not keep the worker from installing: cache what answers.
    await Promise.all(BUILD.shell.map((url) => cache.add(url).catch(() => undefined)));
    await cachePage(cache, await fetch(PAGE, { credentials: "same-origin" }).catch(() => null));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(forgetUser());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(pageFromNetwork(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticAsset(request));
  }
});

// The page asks for a fresh copy when its conversation list changed (a room joined, a DM
// opened), so the kept page lists them too.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "refresh-page") {
    event.waitUntil(fetch(PAGE, { credentials: "same-origin" }).then(keepPage, () => undefined));
  }
});

/** The chat page from the network, kept for offline; the kept one when offline. */
async function pageFromNetwork(request) {
  try {
    const response = await fetch(request);
    await keepPage(response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(PAGE, { cacheName: SHELL });
    if (cached) return cached;
    throw error;
  }
}

/** Keeps a fresh chat page, or forgets the user when the server answered with the login page. */
async function keepPage(response) {
  if (response.redirected && new URL(response.url).pathname === "/login") await forgetUser();
  else await cachePage(await caches.open(SHELL), response);
}

async function cachePage(cache, response) {
  if (response && response.ok && !response.redirected) await cache.put(PAGE, response);
}

/** Hashed assets never change: the cached copy, else the network's (then kept). */
async function staticAsset(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL).then((cache) => cache.put(request, copy)).catch(() => undefined);
  }
  return response;
}

/** Deletes what belongs to the signed-in user: the kept page and messages. */
async function forgetUser() {
  await caches.delete(MESSAGES);
  for (const name of await caches.keys()) {
    if (name.startsWith("shell-")) await (await caches.open(name)).delete(PAGE);
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const { room, url } = event.notification.data ?? {};
  if (typeof room !== "string" || typeof url !== "string") return;
  event.waitUntil(openRoom(room, url));
});

/**
 * Focuses a chat tab (the focused one, else the first) and tells it to show `room`; without
 * one, opens `url` (the page's link to the room).
 */
async function openRoom(room, url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = windows.find((client) => client.focused) ?? windows[0];
  if (!tab) return await self.clients.openWindow(url);
  await tab.focus().catch(() => undefined);
  tab.postMessage({ type: "open-room", room });
}
