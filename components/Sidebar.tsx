import type { ChatClient } from "../client/chat_client.ts";
import type { Signal } from "@preact/signals";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import type { ChatStore } from "../client/chat_store.ts";
import type { ProfileCache } from "../client/profile_cache.ts";
import type { NewRoomKind } from "../client/room_calls_api.ts";
import type { PublicProfile, PublicUser } from "../lib/common/api_types.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import type { Theme } from "../lib/common/theme.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import Avatar from "./Avatar.tsx";
import ConnectionStatus from "./ConnectionStatus.tsx";
import ConversationList from "./ConversationList.tsx";
import { DiscoverList, FriendList, ThemePicker } from "./lazy_parts.ts";
import { useI18n } from "./i18n_context.ts";
import { Plus, Search } from "./icons.ts";
import Icon from "./Icon.tsx";
import { lazyComponent } from "./lazy_component.ts";

/** Loaded on first open: not needed at first paint. */
const ProfileEditor = lazyComponent(() => import("./ProfileEditor.tsx"));
/** Loaded on first open: not needed at first paint. */
const NewRoomForm = lazyComponent(() => import("./NewRoomForm.tsx"));

/** Props of {@linkcode Sidebar}. */
export interface SidebarProps {
  /** The signed-in user. */
  user: PublicUser;
  /** The UI language saved in the user's profile (null: the browser's). */
  savedLocale: Locale | null;
  /** Whether the user hides their "last seen" (the profile editor changes it). */
  hideLastSeen: Signal<boolean>;
  /** This device's notification switches (in the profile editor). */
  prefs: NotifyPrefs;
  /** The colour theme the page was rendered with. */
  theme: Theme;
  /** The island's state. */
  store: ChatStore;
  /** The connection: its status, unread counts, newest messages and online flags. */
  client: ChatClient;
  /** Display names of message authors, for the previews. */
  names: ProfileCache;
  /** Joins a room from Discover and shows it. */
  onJoin: (id: string) => void;
  /** Opens the conversation with a friend and shows it. */
  onMessage: (friend: PublicProfile) => void;
  /** Opens the secret (end-to-end encrypted) chat with a friend. */
  onSecretChat: (friend: PublicProfile) => void;
  /** Creates a room and shows it; a rejection's message is shown under the form. */
  onCreate: (name: string, topic: string, kind: NewRoomKind) => Promise<void>;
}

/**
 * The chat's sidebar (a drawer on narrow screens): the user's name opening the profile
 * editor, the connection status, a New room button (its dialog), the conversations, Discover
 * and friends.
 */
export default function Sidebar(props: SidebarProps) {
  const { user, store, client, names } = props;
  const { t } = useI18n();
  const profile = store.profile.value;
  const editing = store.editingProfile.value;
  const shownId = store.shownId.value;
  const error = store.sidebarError.value;
  return (
    <>
      <aside class="sidebar" id="chat-sidebar">
        <div class="sidebar-top">
          <button
            type="button"
            class="sidebar-user link-button"
            title={t("chat.editProfile", { name: user.name })}
            data-testid="edit-profile"
            onClick={() => store.editingProfile.value = !editing}
          >
            <Avatar id={profile.id} name={profile.displayName} url={profile.avatarUrl} small />
            {profile.displayName}
          </button>
          <ConnectionStatus status={client.status} onRetry={() => client.reconnectNow()} />
          <button
            type="button"
            class="button small new-room-open"
            data-testid="new-room-open"
            onClick={() => store.newRoomOpen.value = true}
          >
            <Icon icon={Plus} size={16} /> {t("newRoom.heading")}
          </button>
        </div>
        <button
          type="button"
          class="sidebar-search"
          data-testid="search-open"
          aria-keyshortcuts="Control+K /"
          onClick={() => store.searchOpen.value = {}}
        >
          <Icon icon={Search} size={16} />
          <span class="sidebar-search-label">{t("search.placeholder")}</span>
          <kbd aria-hidden="true">{t("search.shortcut")}</kbd>
        </button>
        <nav class="room-lists" aria-label={t("chat.rooms")}>
          <ConversationList
            conversations={store.conversations.value}
            userId={user.id}
            selected={shownId}
            unreadOf={(id) => client.room(id).unreadCount.value}
            newestOf={(id) => client.room(id).list.value.at(-1)}
            isOnline={(id) => client.isOnline(id)}
            nameOf={(id, username) => names.nameOf(id, username)}
            onSelect={(id) => store.select(id)}
            hasMore={store.conversationsCursor.value !== undefined}
            loading={store.loadingMore.value}
            onLoadMore={() => void store.loadMoreConversations()}
          />
          <DiscoverList
            rooms={store.discover.value}
            hasMore={store.discoverCursor.value !== undefined}
            loading={store.loadingDiscover.value}
            onMore={() => void store.loadMoreDiscover()}
            onJoin={props.onJoin}
            joining={store.joining.value}
          />
          {error !== null && <p class="error" role="alert">{showText(t, error)}</p>}
        </nav>
        <FriendList
          lists={store.friends.value}
          onChanged={() => void store.refreshFriends()}
          onMessage={props.onMessage}
          onSecretChat={props.onSecretChat}
          isOnline={(id) => client.isOnline(id)}
          presenceOf={(id) => client.presenceOf(id)}
          onShowProfile={(person) => store.profileCard.value = person}
        />
        <ThemePicker initial={props.theme} />
      </aside>
      {editing && (
        <ProfileEditor
          profile={profile}
          savedLocale={props.savedLocale}
          hideLastSeen={props.hideLastSeen}
          prefs={props.prefs}
          onSaved={(saved) => store.profileChanged(saved)}
          onClose={() => store.editingProfile.value = false}
        />
      )}
      {store.newRoomOpen.value && (
        <NewRoomForm
          onCreate={async (name, topic, kind) => {
            await props.onCreate(name, topic, kind);
            store.newRoomOpen.value = false;
          }}
          onClose={() => store.newRoomOpen.value = false}
        />
      )}
    </>
  );
}
