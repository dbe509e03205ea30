import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode PresenceDot}. */
export interface PresenceDotProps {
  /** Whether the user is online; nothing is drawn when not. */
  online: boolean;
}

/** The green "online" dot of a friend (on their avatar, beside a DM's name); nothing offline. */
export default function PresenceDot({ online }: PresenceDotProps) {
  const { t } = useI18n();
  if (!online) return null;
  return (
    <span
      class="presence-dot"
      data-testid="presence-dot"
      role="img"
      aria-label={t("common.online")}
      title={t("common.online")}
    />
  );
}
