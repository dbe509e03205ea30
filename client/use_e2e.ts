/**
 * Loads the end-to-end encryption chunk (`client/e2e/`, with ts-mls) the first time the user has
 * an encrypted conversation listed or shown, and has it follow every such conversation. Until
 * then, and for users without one, none of it is fetched.
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
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
    // The watch itself comes after the first paint, like the app services: users without an
    // encrypted conversation never need it at first paint.
    let stop: (() => void) | undefined;
    let live = true;
    import("./e2e_follow.ts").then(({ followEncrypted }) => {
      if (live) stop = followEncrypted(client, store, parts.view, parts.session);
    }, (error) => console.error("e2e: the encryption watch did not load", error));
    return () => {
      live = false;
      stop?.();
    };
  }, [client, store]);
  return parts;
}
