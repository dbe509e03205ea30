import type { ReadonlySignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { ConnectionStatus as Status } from "../client/chat_client.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode ConnectionStatus}. */
export interface ConnectionStatusProps {
  /** The client's connection state. */
  status: ReadonlySignal<Status>;
  /** Skips the backoff wait and reconnects now. */
  onRetry: () => void;
}

/**
 * A dot and a label for the connection state, with a countdown and a "Retry now" button while
 * waiting to reconnect. Carries `data-testid="connection-status"` and `data-status`.
 */
export default function ConnectionStatus({ status, onRetry }: ConnectionStatusProps) {
  const { t } = useI18n();
  const current = status.value;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (current.state !== "reconnecting") return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [current]);

  let label = t("status.offline");
  if (current.state === "online") label = t("status.online");
  else if (current.state === "connecting") label = t("status.connecting");
  else if (current.state === "reconnecting") {
    const seconds = Math.max(0, Math.ceil((current.retryAt - now) / 1000));
    label = seconds > 0 ? t("status.reconnectingIn", { count: seconds }) : t("status.reconnecting");
  }
  const canRetry = current.state === "reconnecting" || current.state === "offline";
  return (
    <div
      class={`connection-status is-${current.state}`}
      data-testid="connection-status"
      data-status={current.state}
      role="status"
      aria-live="polite"
    >
      <span class="status-dot" aria-hidden="true" />
      <span class="status-label">{label}</span>
      {canRetry && (
        <button type="button" class="link-button" onClick={onRetry}>
          {t("status.retryNow")}
        </button>
      )}
    </div>
  );
}
