import type { ChatClient } from "../client/chat_client.ts";
import { typingText } from "../client/typing_text.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode TypingIndicator}. */
export interface TypingIndicatorProps {
  client: ChatClient;
  roomId: string;
  /** The display name of a user, from their id and username. */
  nameOf: (id: string, username: string) => string;
}

/**
 * "Alice is typing…" (display names) above the composer: always in the page (an empty line when nobody types),
 * so the composer does not jump, and a polite live region.
 */
export default function TypingIndicator({ client, roomId, nameOf }: TypingIndicatorProps) {
  const { t, locale } = useI18n();
  const names = client.typersOf(roomId).value.map((typist) => nameOf(typist.id, typist.name));
  const text = typingText(names, locale);
  return (
    <p class="typing-indicator" aria-live="polite" data-testid="typing-indicator">
      {text && showText(t, text)}
    </p>
  );
}
