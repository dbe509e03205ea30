/**
 * Has the island's E2E parts follow every encrypted conversation the user has listed or shown:
 * loads the end-to-end encryption chunk (`client/e2e/`, with ts-mls) the first time there is
 * one, then follows each such room and stops following those that are gone. Loaded after the
 * first paint by {@linkcode useE2e}.
 *
 * @module
 */
import { effect, type Signal, untracked } from "@preact/signals";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";
import type { E2eSession, E2eView } from "./e2e_view.ts";

/**
 * Starts the watch: `view` is what the page reads of the encrypted rooms, `session` gets the E2E
 * session once its chunk has started. Returns the function that stops it and every room it
 * follows.
 */
export function followEncrypted(
  client: ChatClient,
  store: ChatStore,
  view: E2eView,
  session: Signal<E2eSession | null>,
): () => void {
  let loading = false;
  let live = true;
  const followed = new Map<string, () => void>();
  const stop = effect(() => {
    // Each encrypted room, with the other person of a secret chat (whose safety number is kept).
    const encrypted = new Map<string, string | undefined>();
    for (const { room } of store.conversations.value) {
      if (room.encrypted) encrypted.set(room.id, room.kind === "direct" ? room.peer.id : undefined);
    }
    const shown = store.shown.value;
    if (shown?.room.encrypted && !encrypted.has(shown.room.id)) {
      encrypted.set(shown.room.id, shown.peer?.id);
    }
    const started = session.value;
    untracked(() => {
      if (encrypted.size > 0 && !started && !loading) {
        loading = true;
        import("./e2e/e2e_session.ts")
          .then(({ startE2eSession }) => startE2eSession({ client, view }))
          .then((made) => live && (session.value = made))
          .catch((error) => {
            loading = false;
            console.error("e2e: the encryption chunk did not start", error);
          });
      }
      if (!started) return;
      for (const [id, peer] of encrypted) {
        if (!followed.has(id)) followed.set(id, started.follow(id, peer));
      }
      for (const [id, unfollow] of followed) {
        if (encrypted.has(id)) continue;
        unfollow();
        followed.delete(id);
      }
    });
  });
  return () => {
    live = false;
    stop();
    for (const unfollow of followed.values()) unfollow();
  };
}
