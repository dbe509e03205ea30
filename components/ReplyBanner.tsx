import type { ChatMessage } from "../lib/common/protocol.ts";
import Icon from "./Icon.tsx";
import { X } from "./icons.ts";
import { fileGist, gistText } from "../lib/common/message_gist.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ReplyBanner}. */
export interface ReplyBannerProps {
  /** The message replied to. */
  message: ChatMessage;
  /** Its author's display name. */
  author: string;
  onCancel: () => void;
}

/** "Replying to …" above the composer, with the original's first line and a cancel button. */
export default function ReplyBanner({ message, author, onCancel }: ReplyBannerProps) {
  const { t } = useI18n();
  return (
    <div class="reply-banner" data-testid="reply-banner">
      <div class="reply-banner-text">
        <strong>{t("reply.banner", { author })}</strong>
        <span class="reply-excerpt">
          {gistText(t, message.text, fileGist(message.text, message.attachments))}
        </span>
      </div>
      <button
        type="button"
        class="icon-button"
        aria-label={t("reply.cancel")}
        title={t("reply.cancel")}
        onClick={onCancel}
      >
        <Icon icon={X} size={16} />
      </button>
    </div>
  );
}
