/**
 * The messages of an encrypted room as the timeline shows them (see {@linkcode shownMessages}),
 * apart from `e2e_view.ts` so that only the lazily loaded message list carries it.
 *
 * @module
 */
import type { ChatMessage } from "../lib/common/protocol.ts";
import type { E2eRoomView } from "./e2e_view.ts";

/** The words an encrypted entry shows when it has no text to show. */
export interface E2eNotices {
  couldNotDecrypt: string;
  beforeJoin: string;
  waiting: string;
}

/**
 * The messages of an encrypted room as the timeline shows them: each with the text this device
 * read, or a notice ("could not decrypt", "from before this device joined", "waiting for
 * keys"); commits (devices added or removed) are left out.
 */
export function shownMessages(
  messages: readonly ChatMessage[],
  view: E2eRoomView,
  notices: E2eNotices,
): ChatMessage[] {
  return messages.flatMap((message) => {
    if (!message.e2e || message.deleted) return [message];
    const shown = view.shown.get(message.seq);
    if (message.e2e.kind === "commit" || shown?.kind === "commit") return [];
    const text = shown?.kind === "text"
      ? shown.text
      : shown?.kind === "undecryptable"
      ? notices.couldNotDecrypt
      : shown?.kind === "before_join"
      ? notices.beforeJoin
      : notices.waiting;
    return [{ ...message, text }];
  });
}
