import { effect } from "@preact/signals";
import type { ListMarks } from "../../lib/common/api_types.ts";
import type { Translate } from "../../lib/common/i18n/translate.ts";
import type { ChatClient } from "../chat_client.ts";
import type { ChatStore } from "../chat_store.ts";
import type { ProfileCache } from "../profile_cache.ts";
import { roomHash } from "../room_hash.ts";
import { activeRegistration, onOpenRoom, registerServiceWorker } from "../service_worker.ts";
import type { Notifier } from "./notifier.ts";
import type { NotifyLevels } from "./notify_levels.ts";
import type { NotifyPrefs } from "./notify_prefs.ts";
import { VIEWING_REFRESH_MS, ViewingTabs } from "./viewing_tabs.ts";

/** What {@linkcode startNotifier} and the offline copies work with: the island's parts. */
export interface AppParts {
  client: ChatClient;
  store: ChatStore;
  names: ProfileCache;
  prefs: NotifyPrefs;
  levels: NotifyLevels;
  t: Translate;
  /** The marks of the conversation and friend lists the page came with. */
  listMarks: ListMarks;
}

/**
 * The island's notification wiring: registers the service worker, tells other tabs which
 * conversation this one shows while it is focused, raises notifications for arriving messages
 * (see {@linkcode Notifier}), and opens the conversation a clicked notification names.
 *
 * @returns A function that stops all of it.
 */
export function startNotifier({ client, store, names, prefs, levels, t }: AppParts): () => void {
  {
    registerServiceWorker();
    const viewing = new ViewingTabs();
    // Loaded with the first message that may notify: most pages never need it.
    let notifier: Promise<Notifier> | undefined;
    const load = async () => {
      const [{ Notifier }, { chime }] = await Promise.all([
        import("./notifier.ts"),
        import("./chime.ts"),
      ]);
      return new Notifier({
        userId: client.user.id,
        prefs,
        levels,
        viewing,
        conversation: (id) => store.conversations.peek().find((c) => c.room.id === id)?.room,
        authorName: (id, username) => names.nameOf(id, username),
        t,
        registration: activeRegistration,
        chime,
      });
    };
    let attentive = false;
    const tell = (shown = store.shownId.peek()) => viewing.set(attentive ? shown : null);
    const update = () => {
      attentive = document.visibilityState === "visible" && document.hasFocus();
      tell();
    };
    const stopShown = effect(() => tell(store.shownId.value));
    const refresh = setInterval(() => {
      if (attentive) tell();
    }, VIEWING_REFRESH_MS);
    const events = ["focus", "blur", "pagehide"] as const;
    for (const name of events) addEventListener(name, update);
    document.addEventListener("visibilitychange", update);
    update();
    const stopArrivals = client.onArrival((arrival) => {
      if (arrival.looking || !prefs.active) return;
      notifier ??= load();
      notifier.then((loaded) => loaded.take(arrival))
        .catch((error) => console.warn("notification failed", error));
    });
    const stopOpening = onOpenRoom((room) => {
      store.menuOpen.value = false;
      location.hash = roomHash(room);
    });
    return () => {
      stopOpening();
      stopArrivals();
      for (const name of events) removeEventListener(name, update);
      document.removeEventListener("visibilitychange", update);
      clearInterval(refresh);
      stopShown();
      viewing.set(null);
    };
  }
}
