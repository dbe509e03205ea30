import type { ReportView } from "../lib/admin/reports.ts";
import { formatDateTime } from "../client/format_date_time.ts";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode AdminAction}. */
export interface AdminActionProps {
  /** Where the form posts. */
  action: string;
  /** The page to come back to. */
  back: string;
  label: string;
  danger?: boolean;
  testId: string;
}

/** One administrator action: a form with one button, posting to `action`. */
export function AdminAction({ action, back, label, danger, testId }: AdminActionProps) {
  return (
    <form method="post" action={action} class="admin-action">
      <input type="hidden" name="back" value={back} />
      <button
        type="submit"
        class={`button small ${danger ? "danger" : "secondary"}`}
        data-testid={testId}
      >
        {label}
      </button>
    </form>
  );
}

/**
 * A reported message for the administrator: its room, author, text (as text, never HTML) and
 * time, who reported it and why, and the three ways to close the report.
 */
export default function AdminReport({ report, back }: { report: ReportView; back: string }) {
  const { t, locale } = useI18n();
  const { message } = report;
  const base = `/admin/reports/${encodeURIComponent(report.id)}`;
  return (
    <li class="admin-row admin-report" data-testid="admin-report">
      <div class="admin-row-main">
        <span class="muted">
          {t("admin.reportWhere", {
            room: report.roomName ?? t("admin.roomGone"),
            date: formatDateTime(report.at, locale),
          })}
        </span>
        {message
          ? (
            <blockquote class="admin-quote">
              <strong>{message.author}</strong>
              <span data-testid="admin-report-text">
                {message.deleted
                  ? t("admin.messageDeleted")
                  : report.kind === "handshake"
                  ? t("admin.handshakeReport")
                  : message.text}
              </span>
            </blockquote>
          )
          : <p class="muted">{t("admin.messageGone")}</p>}
        <span>
          {t("admin.reportedBy", { name: report.reporterName })}
          {report.reason && <q class="admin-reason">{report.reason}</q>}
        </span>
      </div>
      <div class="admin-actions">
        <AdminAction
          action={`${base}/dismiss`}
          back={back}
          label={t("admin.dismiss")}
          testId="admin-dismiss"
        />
        {message && !message.deleted && (
          <AdminAction
            action={`${base}/delete-message`}
            back={back}
            label={t("admin.deleteMessage")}
            danger
            testId="admin-delete-message"
          />
        )}
        {message && (
          <AdminAction
            action={`${base}/disable-author`}
            back={back}
            label={t("admin.disableAuthor", { name: message.author })}
            danger
            testId="admin-disable-author"
          />
        )}
      </div>
    </li>
  );
}
