import Icon from "./Icon.tsx";
import { Lock } from "./icons.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode E2eLock}. */
export interface E2eLockProps {
  /** Icon size in px: smaller in the conversation list than in the header. */
  size: number;
  /** The `data-testid` tests find it by. */
  testId: string;
}

/** The padlock before an end-to-end encrypted conversation's name ("Secret chat"). */
export default function E2eLock({ size, testId }: E2eLockProps) {
  const { t } = useI18n();
  return (
    <span
      class="e2e-lock"
      data-testid={testId}
      title={t("e2e.encrypted")}
      aria-label={t("e2e.secretChat")}
    >
      <Icon icon={Lock} size={size} />
    </span>
  );
}
