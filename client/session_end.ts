/**
 * Sends a tab whose session ended elsewhere (a logout in another tab, an expiry) to the login
 * page, which says why. Started with the app services, after the first paint: a session that
 * ended before that is seen at once when it starts.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ChatClient } from "./chat_client.ts";

/**
 * Goes to `/login?ended=1` once the server says the session ended, unless this tab is logging
 * out itself (a form posted for real, such as the header's Log out, navigates already).
 *
 * @param client The connection, whose `sessionEnded` says it.
 * @returns A function that stops watching.
 */
export function followSessionEnd(client: ChatClient): () => void {
  let loggingOut = false;
  const onSubmit = (event: Event) => loggingOut ||= !event.defaultPrevented;
  addEventListener("submit", onSubmit);
  const stop = effect(() => {
    if (client.sessionEnded.value && !loggingOut) location.assign("/login?ended=1");
  });
  return () => {
    removeEventListener("submit", onSubmit);
    stop();
  };
}
