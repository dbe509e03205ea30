import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { ChatClient } from "../client/chat_client.ts";
import type { ChatStore } from "../client/chat_store.ts";
import { badgeText } from "../lib/common/unread.ts";
import type { RoomSummary } from "../lib/common/api_types.ts";
import Avatar from "./Avatar.tsx";
import PresenceDot from "./PresenceDot.tsx";
import { useI18n } from "./i18n_context.ts";
import { ChevronLeft, MoreVertical, Phone, Search, Settings, Users, Video } from "./icons.ts";
import type { CallHost } from "../client/calls/call_host.ts";
import E2eLock from "./E2eLock.tsx";
import Icon from "./Icon.tsx";
import { lazyComponent } from "./lazy_component.ts";
import type { E2eParts } from "../client/use_e2e.ts";
import { NotifyMenu, RoomCallBar } from "./lazy_parts.ts";
import type { NotifyLevels } from "../client/notify/notify_levels.ts";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import { relativeTime } from "../client/relative_time.ts";
import type { PresenceView } from "../lib/common/api_types.ts";
import type { Translate } from "../lib/common/i18n/translate.ts";

/** A secret chat's padlock with its safety number: loaded once shown, the plain padlock till then. */
const E2eHeaderLock = lazyComponent(() => import("./E2eHeaderLock.tsx"), E2eLock);

/** Props of {@linkcode RoomHeader}. */
export interface RoomHeaderProps {
  /** The island's state: the shown room, the drawer and settings flags. */
  store: ChatStore;
  /** The connection, for the DM peer's online dot. */
  client: ChatClient;
  /** Leaves the shown group room. */
  onLeave: (room: RoomSummary) => void;
  /** Notification levels per conversation, for the bell menu. */
  levels: NotifyLevels;
  /** This device's notification switches (the menu says when they are off). */
  prefs: NotifyPrefs;
  /**
   * Places calls: a DM's header then has a phone and a camera button, a group room's a button
   * that starts its group call, or "Call in progress, 3 people" and Join while one is under way.
   */
  calls?: CallHost;
  /** The encrypted rooms as this device reads them: a secret chat's safety number. */
  e2e?: E2eParts;
}

/**
 * The room pane's header: the back button to the conversation list (phones), the shown room's
 * picture, name and topic (a DM: the peer's, with their online dot and "Online", "Away" or
 * "Last seen 5 min ago"), a search in the conversation, the notification menu, and for a group
 * room a group call button (or, under the header, "Call in progress, N people" with Join), the
 * members panel and settings toggles and Leave. On a phone those last three sit behind a "⋮"
 * button (a menu under the header), so the room's name keeps its place.
 */
export default function RoomHeader(
  { store, client, onLeave, levels, prefs, calls, e2e }: RoomHeaderProps,
) {
  const { t, locale } = useI18n();
  const shown = store.shown.value;
  const current = shown?.room;
  const peer = shown?.peer;
  const menuOpen = store.menuOpen.value;
  const settingsOpen = store.settingsOpen.value;
  const membersOpen = store.membersOpen.value;
  const moreOpen = useSignal(false);
  useEffect(() => {
    if (!moreOpen.value) return;
    const closeOutside = (event: PointerEvent) => {
      const menu = (event.target as Element | null)?.closest(".header-more, .header-more-toggle");
      if (!menu) moreOpen.value = false;
    };
    document.addEventListener("pointerdown", closeOutside);
    return () => document.removeEventListener("pointerdown", closeOutside);
  }, [moreOpen.value]);
  const groupRoom = current && !peer ? current.id : undefined;
  useEffect(() => {
    if (groupRoom) void calls?.refreshRoom(groupRoom);
  }, [groupRoom, calls]);
  const roomCall = groupRoom ? calls?.roomCalls.value.get(groupRoom) : undefined;
  const inCall = roomCall?.participants.includes(client.user.id) ?? false;
  return (
    <>
      <header class="room-header">
        <button
          type="button"
          class="menu-toggle"
          aria-controls="chat-sidebar"
          aria-expanded={menuOpen}
          aria-label={t("chat.back")}
          onClick={() => store.menuOpen.value = !menuOpen}
        >
          <Icon icon={ChevronLeft} size={24} />
          {store.unreadTotal.value > 0 && (
            <span class="badge menu-badge" data-testid="menu-badge" aria-hidden="true">
              {badgeText(store.unreadTotal.value)}
            </span>
          )}
        </button>
        {current && (
          <Avatar
            id={peer?.id ?? current.id}
            name={current.name}
            url={current.avatarUrl}
          />
        )}
        {current?.encrypted && (
          <E2eHeaderLock
            size={16}
            testId="e2e-header-lock"
            room={current}
            e2e={e2e}
          />
        )}
        <div class="room-title">
          <h2 data-testid="room-title">
            {peer && (
              <PresenceDot
                online={client.isOnline(peer.id)}
                away={client.presenceOf(peer.id).status === "away"}
              />
            )}
            {current ? `${peer ? "@" : "#"} ${current.name}` : t("chat.rooms")}
          </h2>
          {peer && (
            <p class="room-topic" data-testid="dm-presence" title={current?.topic}>
              {[presenceText(t, locale, client.presenceOf(peer.id)), current?.topic]
                .filter(Boolean).join(" · ")}
            </p>
          )}
          {!peer && current?.topic && (
            <p class="room-topic" title={current.topic}>{current.topic}</p>
          )}
        </div>
        {groupRoom && calls && !roomCall && (
          <button
            type="button"
            class="button secondary"
            aria-label={t("call.startGroup")}
            title={t("call.startGroup")}
            data-testid="call-group"
            onClick={() => calls.place({ room: groupRoom, media: "audio" })}
          >
            <Icon icon={Phone} />
          </button>
        )}
        {current && peer && calls && (
          <>
            <button
              type="button"
              class="button secondary"
              aria-label={t("call.startVoice")}
              title={t("call.startVoice")}
              data-testid="call-voice"
              onClick={() => calls.place({ room: current.id, peer, media: "audio" })}
            >
              <Icon icon={Phone} />
            </button>
            <button
              type="button"
              class="button secondary"
              aria-label={t("call.startVideo")}
              title={t("call.startVideo")}
              data-testid="call-video"
              onClick={() => calls.place({ room: current.id, peer, media: "video" })}
            >
              <Icon icon={Video} />
            </button>
          </>
        )}
        {current && (
          <>
            <button
              type="button"
              class="button secondary"
              aria-label={t("search.open")}
              title={t("search.open")}
              aria-keyshortcuts="Control+K /"
              data-testid="room-search"
              onClick={() => store.searchOpen.value = { room: current.id }}
            >
              <Icon icon={Search} />
            </button>
            <NotifyMenu
              key={current.id}
              roomId={current.id}
              direct={peer !== undefined}
              levels={levels}
              prefs={prefs}
            />
          </>
        )}
        {current && !peer && (
          <>
            <button
              type="button"
              class="button secondary header-more-toggle"
              aria-label={t("room.more")}
              title={t("room.more")}
              aria-expanded={moreOpen.value}
              aria-controls="room-header-more"
              data-testid="room-header-more"
              onClick={() => moreOpen.value = !moreOpen.value}
            >
              <Icon icon={MoreVertical} />
            </button>
            <div
              id="room-header-more"
              class={moreOpen.value ? "header-more open" : "header-more"}
              onClick={(event) => {
                // An item chosen closes the menu and hands focus to "⋮" before its dialog or
                // panel opens, so closing that gives focus back to a button that is shown.
                if (!moreOpen.peek()) return;
                moreOpen.value = false;
                (event.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
              }}
              onKeyDown={(event) => {
                if (event.key !== "Escape" || !moreOpen.peek()) return;
                moreOpen.value = false;
                (event.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
              }}
            >
              <button
                type="button"
                class="button secondary"
                aria-label={t("members.toggle")}
                aria-expanded={membersOpen}
                aria-controls="members-panel"
                data-testid="members-toggle"
                onClick={() => store.membersOpen.value = !membersOpen}
              >
                <Icon icon={Users} />
                <span class="header-more-label" aria-hidden="true">{t("members.toggle")}</span>
              </button>
              <button
                type="button"
                class="button secondary"
                aria-label={t("room.settings")}
                aria-expanded={settingsOpen}
                data-testid="room-settings-toggle"
                onClick={() => store.settingsOpen.value = !settingsOpen}
              >
                <Icon icon={Settings} />
                <span class="header-more-label" aria-hidden="true">{t("room.settings")}</span>
              </button>
              <button
                type="button"
                class="button secondary"
                data-testid="leave-room"
                onClick={() => onLeave(current)}
              >
                {t("room.leave")}
              </button>
            </div>
          </>
        )}
      </header>
      {groupRoom && calls && roomCall && (
        <RoomCallBar
          call={roomCall}
          inCall={inCall}
          onJoin={() => calls.place({ room: groupRoom, media: roomCall.media, join: roomCall.id })}
        />
      )}
    </>
  );
}

/** "Online", "Away", "Last seen 5 min ago", or nothing (offline, last seen hidden). */
function presenceText(t: Translate, locale: string, presence: PresenceView): string {
  if (presence.status === "online") return t("common.online");
  if (presence.status === "away") return t("presence.away");
  return presence.lastSeen === undefined
    ? ""
    : t("presence.lastSeen", { time: relativeTime(locale, presence.lastSeen) });
}
