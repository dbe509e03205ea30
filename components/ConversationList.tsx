import type { Conversation } from "../lib/common/api_types.ts";
import { type ChatMessage, SYSTEM_SENDER } from "../lib/common/protocol.ts";
import { byActivity, withNewest } from "../client/conversations_api.ts";
import { formatFullDate, formatShortTime } from "../client/format_time.ts";
import { roomHash } from "../client/room_hash.ts";
import Avatar from "./Avatar.tsx";
import { badgeText, NOTHING_UNREAD, type UnreadCount } from "../lib/common/unread.ts";
import LoadMore from "./LoadMore.tsx";
import PresenceDot from "./PresenceDot.tsx";
import { useI18n } from "./i18n_context.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import { systemMessageText } from "../lib/common/room_event_text.ts";
import { gistText } from "../lib/common/message_gist.ts";
import E2eLock from "./E2eLock.tsx";

/** Props of {@linkcode ConversationList}. */
export interface ConversationListProps {
  /** Conversations loaded so far, in any order; a DM's peer is their current profile. */
  conversations: readonly Conversation[];
  /** The signed-in user's id (their own messages preview as "You"). */
  userId: string;
  /** Id of the room shown in the main pane. */
  selected: string | null;
  /** Unread and mention counts of a room; read from signals, so the list updates by itself. */
  unreadOf: (id: string) => UnreadCount;
  /** Newest message the client holds for a room; read from signals, so the list reorders. */
  newestOf: (id: string) => ChatMessage | undefined;
  /** Whether a DM's peer is online; read from signals, so the dots update by themselves. */
  isOnline: (userId: string) => boolean;
  /** A user's current display name (`username` until known); read from signals. */
  nameOf: (userId: string, username: string) => string;
  /** Shows a room. */
  onSelect: (id: string) => void;
  /** True while more conversations can be loaded. */
  hasMore: boolean;
  /** True while a page is loading. */
  loading: boolean;
  /** Loads the next page. */
  onLoadMore: () => void;
}

/**
 * The sidebar's "Conversations": group rooms and direct conversations together, most recent
 * activity first, each with the newest message's preview and time and an unread badge. A
 * message arriving in a followed room moves its conversation to the top. A direct
 * conversation shows a green dot while the peer is online.
 */
export default function ConversationList(props: ConversationListProps) {
  const { userId, selected, unreadOf, newestOf, isOnline, nameOf, onSelect } = props;
  const { t, locale } = useI18n();
  const items = props.conversations.map((c) => withNewest(c, newestOf(c.room.id)))
    .sort(byActivity);
  return (
    <>
      <h3 class="sidebar-heading">{t("conversations.heading")}</h3>
      {items.length === 0
        ? <p class="sidebar-empty">{t("conversations.empty")}</p>
        : (
          <ul class="room-list conversation-list">
            {items.map(({ room, last }) => {
              const isDm = room.kind === "direct";
              const peer = isDm ? room.peer : undefined;
              const label = peer ? `@ ${peer.displayName}` : `# ${room.name}`;
              const count = room.id === selected ? NOTHING_UNREAD : unreadOf(room.id);
              const unread = count.unread;
              return (
                <li
                  key={room.id}
                  data-testid={isDm ? "dm-item" : "room-item"}
                  data-room-id={room.id}
                >
                  <a
                    href={roomHash(room.id)}
                    class={room.id === selected ? "room-link selected" : "room-link"}
                    aria-current={room.id === selected ? "page" : undefined}
                    onClick={() => onSelect(room.id)}
                  >
                    <Avatar
                      id={peer?.id ?? room.id}
                      name={peer?.displayName ?? room.name}
                      url={peer ? peer.avatarUrl : room.avatarUrl}
                      small
                    />
                    <span class="conversation-text">
                      <span class="room-name">
                        {isDm && <PresenceDot online={isOnline(room.peer.id)} />}
                        {room.encrypted && <E2eLock size={14} testId="e2e-lock" />}
                        {label}
                      </span>
                      {last && (
                        <span class="conversation-preview" data-testid="conversation-preview">
                          {last.from === SYSTEM_SENDER
                            ? showText(
                              t,
                              systemMessageText({ text: last.preview, event: last.event }),
                            )
                            : t("conversations.preview", {
                              author: last.from === userId
                                ? t("conversations.you")
                                : nameOf(last.from, last.author),
                              text: last.deleted
                                ? t("message.deleted")
                                // The server holds only ciphertext: there is nothing to preview.
                                : room.encrypted
                                ? t("e2e.preview")
                                : gistText(t, last.preview, last.file),
                            })}
                        </span>
                      )}
                    </span>
                    {last && (
                      <time
                        class="conversation-time"
                        dateTime={new Date(last.at).toISOString()}
                        title={formatFullDate(last.at, locale)}
                      >
                        {formatShortTime(last.at, Date.now(), locale)}
                      </time>
                    )}
                    {count.mentions > 0 && (
                      <span
                        class="badge mention-badge"
                        data-testid="mention-badge"
                        aria-label={t("unread.mentions", { count: count.mentions })}
                      >
                        @{count.mentions}
                      </span>
                    )}
                    {unread > 0 && (
                      <span
                        class="badge"
                        data-testid="unread-badge"
                        aria-label={t("conversations.unread", { count: unread })}
                      >
                        {badgeText(count)}
                      </span>
                    )}
                  </a>
                </li>
              );
            })}
          </ul>
        )}
      {props.hasMore && (
        <LoadMore
          label={t("conversations.loadMore")}
          loading={props.loading}
          onLoad={props.onLoadMore}
          testId="load-more-conversations"
        />
      )}
    </>
  );
}
