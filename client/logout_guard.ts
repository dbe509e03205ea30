/**
 * Holds the header's logout form until {@linkcode logOutAsking} (a chunk loaded at that moment)
 * has asked whether to keep this device's end-to-end keys. Started with the app services, after
 * the first paint: a logout before that goes through unasked, keeping the keys (the default).
 *
 * @module
 */
import type { Translate } from "../lib/common/i18n/translate.ts";
import type { ChatClient } from "./chat_client.ts";

/** Starts holding the logout form; returns the function that stops it. */
export function guardLogout(client: ChatClient, t: Translate): () => void {
  const form = document.querySelector<HTMLFormElement>("form.logout");
  if (!form) return () => {};
  let asking = false;
  let answered = false;
  // Submitted again as a real submit event (not `form.submit()`), so that the island knows
  // this tab is logging out and does not take the socket's "session ended" for another tab's.
  const logOut = () => {
    answered = true;
    form.requestSubmit();
  };
  const ask = (event: SubmitEvent) => {
    if (answered) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    import("./logout_choice.ts")
      .then(({ logOutAsking }) => logOutAsking(logOut, client, t))
      .catch((error) => {
        // Logging out must work whatever happened to the question: keep the keys then.
        console.error("logout: could not ask about the keys", error);
        logOut();
      })
      .finally(() => asking = false);
  };
  form.addEventListener("submit", ask);
  // Says that a logout now asks (tests wait for it rather than for time).
  form.dataset.asksAboutKeys = "";
  return () => {
    form.removeEventListener("submit", ask);
    delete form.dataset.asksAboutKeys;
  };
}
