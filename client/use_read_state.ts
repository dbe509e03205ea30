import { effect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Conversation } from "../lib/common/api_types.ts";
import type { Translate } from "../lib/common/i18n/translate.ts";
import type { ChatClient } from "./chat_client.ts";
import type { ChatStore } from "./chat_store.ts";

/**
 * The island's read state wiring: hands each conversation page's markers and counts to the
 * client, tells it whether the page is visible and focused (only then is the shown room
 * read), and shows the unread total in the title (`(3) Deno Chat`; the favicon's badge is
 * drawn by `app_services.ts`, loaded after first paint).
 */
export function useReadState(client: ChatClient, store: ChatStore, t: Translate): void {
  useEffect(() => {
    // Each page's entries are taken once; entries added live carry no read state.
    const taken = new WeakSet<Conversation>();
    return effect(() => {
      const fresh = store.conversations.value.filter((c) => c.read && !taken.has(c));
      for (const conversation of fresh) taken.add(conversation);
      if (fresh.length > 0) client.takeReadStates(fresh);
    });
  }, [client, store]);

  useEffect(() => {
    const update = () =>
      client.setAttentive(document.visibilityState === "visible" && document.hasFocus());
    update();
    const events = ["visibilitychange", "focus", "blur"] as const;
    for (const name of events) addEventListener(name, update);
    document.addEventListener("visibilitychange", update);
    return () => {
      for (const name of events) removeEventListener(name, update);
      document.removeEventListener("visibilitychange", update);
    };
  }, [client]);

  useEffect(() => {
    const base = t("app.name");
    let shown = -1;
    return effect(() => {
      const count = store.unreadTotal.value;
      if (count === shown) return;
      shown = count;
      document.title = count > 0 ? t("unread.title", { count: String(count), title: base }) : base;
    });
  }, [store, t]);
}
