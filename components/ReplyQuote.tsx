import type { ReplyPreview } from "../lib/common/protocol.ts";
import { gistText } from "../lib/common/message_gist.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ReplyQuote}. */
export interface ReplyQuoteProps {
  quote: ReplyPreview;
  /** The display name of the original's author. */
  author: string;
  /** The original was deleted since (when the list holds it). */
  deleted?: boolean;
  /** Brings the original into view. */
  onJump: () => void;
}

/** The quoted original above a reply; a click goes to the original. */
export default function ReplyQuote({ quote, author, deleted, onJump }: ReplyQuoteProps) {
  const { t } = useI18n();
  const excerpt = deleted ? t("reply.deleted") : gistText(t, quote.excerpt, quote.file);
  return (
    <button
      type="button"
      class="reply-quote"
      data-testid="reply-quote"
      title={t("reply.jump", { author, excerpt })}
      onClick={onJump}
    >
      <span class="reply-author">{author}</span>
      <span class={deleted ? "reply-excerpt deleted" : "reply-excerpt"}>{excerpt}</span>
    </button>
  );
}
