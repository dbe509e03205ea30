import { useCallback } from "preact/hooks";
import type { ChatStore } from "../client/chat_store.ts";
import { messageHash } from "../client/message_link.ts";
import type { SearchHit } from "../lib/common/api_types.ts";
import { lazyComponent } from "./lazy_component.ts";
import { useSearchShortcut } from "./use_search_shortcut.ts";

/** Loaded on first open: most visits never search. */
const SearchDialog = lazyComponent(() => import("./SearchDialog.tsx"));

/** Props of {@linkcode SearchLauncher}. */
export interface SearchLauncherProps {
  /** The island's state: whether search is open, the shown room, the jump target. */
  store: ChatStore;
}

/**
 * Message search as the chat wires it: Ctrl+K and `/` open it (in the shown conversation,
 * when there is one), the search dialog is rendered while `store.searchOpen` is set, and a
 * result opens its conversation through a message link (`#room=…&msg=N`), which loads the
 * message with what surrounds it and flashes it.
 */
export default function SearchLauncher({ store }: SearchLauncherProps) {
  const open = useCallback(() => {
    const shown = store.shownId.value;
    store.searchOpen.value = shown === null ? {} : { room: shown };
  }, [store]);
  useSearchShortcut(open);
  const scope = store.searchOpen.value;
  if (!scope) return null;
  const shown = store.shown.value?.room;
  const room = scope.room !== undefined && shown?.id === scope.room
    ? { id: shown.id, name: shown.name }
    : undefined;
  const show = (hit: SearchHit) => {
    store.searchOpen.value = null;
    store.menuOpen.value = false;
    const hash = messageHash(hit.room, hit.seq);
    // The same link again fires no hashchange: ask for the jump directly.
    if (location.hash === hash) {
      store.messageActions.jumpTo.value = { room: hit.room, seq: hit.seq };
    } else location.hash = hash;
  };
  return <SearchDialog room={room} onOpen={show} onClose={() => store.searchOpen.value = null} />;
}
