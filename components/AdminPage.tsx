import type { AdminPage as Page } from "../lib/admin/admin_page.ts";
import type { AdminRoomRow } from "../lib/admin/admin_rooms.ts";
import type { ReportView } from "../lib/admin/reports.ts";
import type { AdminUserRow } from "../lib/admin/user_admin.ts";
import { formatDateTime } from "../client/format_date_time.ts";
import { useI18n } from "./i18n_context.ts";
import AdminReport, { AdminAction } from "./AdminReport.tsx";

/** The administrator's three lists. */
export type AdminTab = "users" | "rooms" | "reports";

/** Props of {@linkcode AdminPage}: the tab shown and its page of rows. */
export type AdminPageProps =
  & {
    /** The search as typed (users and rooms). */
    query: string;
    /** This page's own path and query, where every action comes back to. */
    back: string;
    /** The signed-in administrator's id (no "Disable" on their own row). */
    adminId: string;
    /** A refusal of the last action, already translated. */
    error?: string;
  }
  & (
    | { tab: "users"; page: Page<AdminUserRow> }
    | { tab: "rooms"; page: Page<AdminRoomRow> }
    | { tab: "reports"; page: Page<ReportView> }
  );

const TABS: readonly AdminTab[] = ["users", "rooms", "reports"];

/**
 * The administration page, server-rendered with plain forms (no script): tabs for users, rooms
 * and reports, a search, one page of rows with their actions, and a link to the next page.
 * Every action is a POST checked again on the server; user text is rendered as text only.
 */
export default function AdminPage(props: AdminPageProps) {
  const { t, locale } = useI18n();
  const { tab, query, back } = props;
  const next = props.page.nextCursor &&
    `/admin?${new URLSearchParams({ tab, q: query, cursor: props.page.nextCursor })}`;
  return (
    <main class="admin-page" data-testid="admin-page">
      <h1>{t("admin.heading")}</h1>
      <nav class="admin-tabs" aria-label={t("admin.sections")}>
        {TABS.map((name) => (
          <a
            key={name}
            href={`/admin?tab=${name}`}
            class="admin-tab"
            aria-current={name === tab ? "page" : undefined}
            data-testid={`admin-tab-${name}`}
          >
            {t(`admin.tab.${name}`)}
          </a>
        ))}
      </nav>
      {props.error && <p class="error" role="alert" data-testid="admin-error">{props.error}</p>}
      {tab !== "reports" && (
        <form method="get" action="/admin" class="admin-search" role="search">
          <input type="hidden" name="tab" value={tab} />
          <label>
            <span class="visually-hidden">{t(`admin.search.${tab}`)}</span>
            <input
              type="search"
              name="q"
              value={query}
              placeholder={t(`admin.search.${tab}`)}
              data-testid="admin-search"
            />
          </label>
          <button type="submit" class="button small">{t("admin.search")}</button>
        </form>
      )}
      {props.page.items.length === 0 && <p class="muted">{t("admin.empty")}</p>}
      <ul class="admin-list" data-testid={`admin-${tab}`}>
        {props.tab === "users" &&
          props.page.items.map((user) => (
            <li key={user.id} class="admin-row" data-testid="admin-user">
              <div class="admin-row-main">
                <strong>{user.name}</strong>
                {user.admin && <span class="badge">{t("admin.badge.admin")}</span>}
                {user.disabled && <span class="badge danger">{t("admin.badge.disabled")}</span>}
                <span class="muted">
                  {t("admin.joined", { date: formatDateTime(user.createdAt, locale) })}
                </span>
              </div>
              {user.id !== props.adminId && (
                <AdminAction
                  action={`/admin/users/${user.id}/${user.disabled ? "enable" : "disable"}`}
                  back={back}
                  label={t(user.disabled ? "admin.enable" : "admin.disable")}
                  danger={!user.disabled}
                  testId={user.disabled ? "admin-enable" : "admin-disable"}
                />
              )}
            </li>
          ))}
        {props.tab === "rooms" &&
          props.page.items.map((room) => (
            <li key={room.id} class="admin-row" data-testid="admin-room">
              <div class="admin-row-main">
                <strong>#{room.name}</strong>
                <span class="badge">{t(`admin.visibility.${room.visibility}`)}</span>
                <span class="muted">
                  {t("admin.created", { date: formatDateTime(room.createdAt, locale) })}
                </span>
              </div>
              <AdminAction
                action={`/admin/rooms/${room.id}/delete`}
                back={back}
                label={t("admin.deleteRoom", { room: room.name })}
                danger
                testId="admin-delete-room"
              />
            </li>
          ))}
        {props.tab === "reports" &&
          props.page.items.map((report) => (
            <AdminReport key={report.id} report={report} back={back} />
          ))}
      </ul>
      {next && <a class="button small secondary" href={next}>{t("admin.nextPage")}</a>}
    </main>
  );
}
