import type { NoticeBoard } from "../client/notice_board.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import Icon from "./Icon.tsx";
import { X } from "./icons.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode NoticeBar}. */
export interface NoticeBarProps {
  /** The notices to show. */
  board: NoticeBoard;
}

/**
 * The notices of things done to the user (muted, removed from a room, a room deleted), each
 * with a dismiss button. A polite live region, so a screen reader reads each as it comes.
 */
export default function NoticeBar({ board }: NoticeBarProps) {
  const { t } = useI18n();
  const notices = board.notices.value;
  return (
    <div class="notice-bar" aria-live="polite">
      {notices.map((notice) => (
        <p key={notice.id} class="banner notice" data-testid="notice">
          <span>{showText(t, notice.text)}</span>
          <button
            type="button"
            class="icon-button"
            aria-label={t("notice.dismiss")}
            onClick={() => board.dismiss(notice.id)}
          >
            <Icon icon={X} size={16} />
          </button>
        </p>
      ))}
    </div>
  );
}
