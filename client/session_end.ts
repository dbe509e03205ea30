/**
 * Sends a tab whose session ended elsewhere (a logout in another tab, an expiry) to the login
 * page, which says why. Started with the app services, after the first paint: a session that
 * ended before that is seen at once when it starts.
 *
 * @module
 */
import { effect } from "@preact/signals";
import type { ChatClient } from "./chat_client.ts";

/** The request of this tab that ends its session itself, once one was made. */
let endingItself: Promise<unknown> | undefined;

/**
 * Makes `request`, which ends this tab's session (an account deletion), with
 * {@linkcode followSessionEnd} waiting for its answer rather than sending the tab to the login
 * page when the socket closes first: once it succeeded the caller goes where it should (the
 * session's end is then never followed); if it fails, an ended session is followed as usual.
 *
 * @returns The request's answer.
 */
export async function endingSession<T>(request: () => Promise<T>): Promise<T> {
  const run = request();
  endingItself = run;
  try {
    return await run;
  } catch (error) {
    if (endingItself === run) endingItself = undefined;
    throw error;
  }
}

/**
 * Goes to `/login?ended=1` once the server says the session ended, unless this tab is logging
 * out itself (a form posted for real, such as the header's Log out, navigates already) or
 * ending its session by a request ({@linkcode endingSession}) that does not fail.
 *
 * @param client The connection, whose `sessionEnded` says it.
 * @returns A function that stops watching.
 */
export function followSessionEnd(client: ChatClient): () => void {
  let loggingOut = false;
  const onSubmit = (event: Event) => loggingOut ||= !event.defaultPrevented;
  addEventListener("submit", onSubmit);
  const follow = () => location.assign("/login?ended=1");
  const stop = effect(() => {
    if (!client.sessionEnded.value || loggingOut) return;
    if (endingItself) endingItself.catch(follow);
    else follow();
  });
  return () => {
    removeEventListener("submit", onSubmit);
    stop();
  };
}
