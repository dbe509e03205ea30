/**
 * Loads the end-to-end encryption chunk (`client/e2e/`, with ts-mls) the first time the user has
 * an encrypted conversation listed or shown, and has it follow every such conversation. Until
 * then, and for users without one, none of it is fetched.
 *
 * @module
 */
import { effect, type ReadonlySignal, signal, untracked } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";
import { type E2eSession, E2eView } from "./e2e_view.ts";

/** The view of the encrypted rooms, and the session once its chunk has loaded. */
export interface E2eParts {
  view: E2eView;
  session: ReadonlySignal<E2eSession | null>;
}

/** Starts (once needed) and feeds the E2E session of the island. */
export function useE2e(client: ChatClient, store: ChatStore): E2eParts {
  const parts = useMemo(
    () => ({ view: new E2eView(), session: signal<E2eSession | null>(null) }),
    [client],
  );
  useEffect(() => {
    let loading = false;
    let live = true;
    const followed = new Map<string, () => void>();
    const stop = effect(() => {
      const encrypted = new Map<string, string[]>();
      for (const { room } of store.conversations.value) {
        if (room.encrypted) encrypted.set(room.id, room.kind === "direct" ? [room.peer.id] : []);
      }
      const shown = store.shown.value;
      if (shown?.room.encrypted && !encrypted.has(shown.room.id)) {
        encrypted.set(shown.room.id, shown.peer ? [shown.peer.id] : []);
      }
      const session = parts.session.value;
      untracked(() => {
        if (encrypted.size > 0 && !session && !loading) {
          loading = true;
          import("./e2e/e2e_session.ts")
            .then(({ startE2eSession }) => startE2eSession({ client, view: parts.view }))
            .then((started) => live && (parts.session.value = started))
            .catch((error) => {
              loading = false;
              console.error("e2e: the encryption chunk did not start", error);
            });
        }
        if (!session) return;
        for (const [id, peers] of encrypted) {
          if (!followed.has(id)) followed.set(id, session.follow(id, peers));
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
  }, [client, store]);
  return parts;
}
