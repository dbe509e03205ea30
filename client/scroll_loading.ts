/**
 * Loads the conversation list's next page as the sidebar is scrolled towards its end, as well
 * as with its "Load more" button. Started with the app services, after the first paint.
 *
 * @module
 */
import type { ChatStore } from "./chat_store.ts";

/** How far below the visible part of the sidebar the button may still be (CSS pixels). */
const LOAD_AHEAD_PX = 200;

/**
 * Listens to every scroll (in the capture phase: a scroll event does not bubble); when the
 * scrolled element holds the conversation list's "Load more" button and it is within
 * {@linkcode LOAD_AHEAD_PX} of the element's visible bottom, asks the store for the next page
 * (which does nothing while one is loading or when none is left).
 *
 * @param store The island's state.
 * @returns A function that stops listening.
 */
export function loadOnScroll(store: ChatStore): () => void {
  const onScroll = (event: Event) => {
    const scroller = event.target;
    if (!(scroller instanceof Element)) return;
    const more = scroller.querySelector("[data-testid=load-more-conversations]");
    if (!more) return;
    const bottom = scroller.getBoundingClientRect().bottom;
    if (more.getBoundingClientRect().top < bottom + LOAD_AHEAD_PX) {
      void store.loadMoreConversations();
    }
  };
  addEventListener("scroll", onScroll, { capture: true, passive: true });
  return () => removeEventListener("scroll", onScroll, { capture: true });
}
