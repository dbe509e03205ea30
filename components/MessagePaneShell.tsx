import type { MessageListProps } from "./MessageList.tsx";
import { useI18n } from "./i18n_context.ts";

/**
 * What the message list shows before its room's history has come: the scroller with "Waiting
 * for messages" and no messages. The server renders it (it opens no socket, so it has no
 * messages to show), and the browser keeps it until the message list's lazy chunk has arrived
 * (`lazy_parts.ts`): the same elements and classes as `MessageList`'s first render, so the
 * composer stays where it is when the list takes over.
 */
export default function MessagePaneShell({ roomName }: MessageListProps) {
  const { t } = useI18n();
  return (
    <div class="message-pane">
      <div
        class="message-scroller"
        tabIndex={0}
        role="region"
        aria-label={t("messages.log", { room: roomName })}
        data-testid="message-scroller"
      >
        <div class="history-edge">
          <span class="muted">{t("messages.waiting")}</span>
        </div>
        <ol class="message-groups"></ol>
      </div>
    </div>
  );
}
