import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode PresenceDot}. */
export interface PresenceDotProps {
  /** Whether the user is online; nothing is drawn when not. */
  online: boolean;
  /** Online but away (every tab hidden or idle): an amber dot. */
  away?: boolean;
}

/**
 * The "online" dot of a friend (on their avatar, beside a DM's name): green, amber when away;
 * nothing offline.
 */
export default function PresenceDot({ online, away }: PresenceDotProps) {
  const { t } = useI18n();
  if (!online) return null;
  const label = t(away ? "presence.away" : "common.online");
  return (
    <span
      class={away ? "presence-dot away" : "presence-dot"}
      data-testid="presence-dot"
      role="img"
      aria-label={label}
      title={label}
    />
  );
}
