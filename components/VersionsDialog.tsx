import { useEffect, useState } from "preact/hooks";
import type { MessageVersion } from "../lib/common/protocol.ts";
import { formatFullDate } from "../client/format_time.ts";
import Dialog from "./Dialog.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode VersionsDialog}. */
export interface VersionsDialogProps {
  /** Reads the earlier versions, oldest first. */
  load: () => Promise<MessageVersion[]>;
  /** The text as it is now, and when it was last edited. */
  current: MessageVersion;
  onClose: () => void;
}

/** The earlier versions of an edited message, oldest first, then the current text. */
export default function VersionsDialog({ load, current, onClose }: VersionsDialogProps) {
  const { t, locale } = useI18n();
  const [versions, setVersions] = useState<MessageVersion[] | null>(null);
  useEffect(() => {
    load().then(setVersions, () => setVersions([]));
  }, []);
  const item = (version: MessageVersion, label?: string) => (
    <li class="version" data-testid="version">
      <time class="time" dateTime={new Date(version.at).toISOString()}>
        {label ?? formatFullDate(version.at, locale)}
      </time>
      <p class="message-text">{version.text}</p>
    </li>
  );
  return (
    <Dialog title={t("versions.title")} onClose={onClose} testId="versions-dialog">
      {versions === null
        ? <p class="muted">{t("versions.loading")}</p>
        : versions.length === 0
        ? <p class="muted">{t("versions.empty")}</p>
        : (
          <ol class="versions">
            {versions.map((version) => item(version))}
            {item(current, t("versions.current"))}
          </ol>
        )}
    </Dialog>
  );
}
