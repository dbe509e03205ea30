import { type RefObject } from "preact";
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import type { ChatClient } from "../client/chat_client.ts";
import type { MessageActionsState } from "../client/message_actions_state.ts";

/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 2_000;

/**
 * Brings the message named by `actions.jumpTo` into view once the room holds it, loading
 * older pages until it does (or until there is nothing older: then the jump is dropped), and
 * focuses it.
 *
 * @returns The seq to highlight for a moment, or null.
 */
export function useJumpTo(
  client: ChatClient,
  roomId: string,
  actions: MessageActionsState | undefined,
  scroller: RefObject<HTMLElement | null>,
): number | null {
  const [highlighted, setHighlighted] = useState<number | null>(null);
  const room = client.room(roomId);
  const target = actions?.jumpTo.value;
  const wanted = target?.room === roomId ? target.seq : null;
  const held = wanted !== null && room.messages.value.has(wanted);
  const loaded = room.loaded.value;
  const hasMore = room.hasMore.value;
  useLayoutEffect(() => {
    if (!actions || wanted === null) return;
    if (held) {
      const element = scroller.current?.querySelector<HTMLElement>(`[data-seq="${wanted}"]`);
      element?.scrollIntoView({ block: "center" });
      element?.focus({ preventScroll: true });
      actions.jumpTo.value = null;
      setHighlighted(wanted);
    } else if (loaded && !hasMore) {
      actions.jumpTo.value = null;
    } else if (loaded) {
      client.loadOlder(roomId);
    }
  });
  useEffect(() => {
    if (highlighted === null) return;
    const timer = setTimeout(() => setHighlighted(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted]);
  return highlighted;
}
