import { effect, signal, untracked } from "@preact/signals";
import { CallHost } from "../client/calls/call_host.ts";
import { lazyComponent } from "../components/lazy_component.ts";
import { useEffect, useMemo, useState } from "preact/hooks";
import type {
  ListMarks,
  NotifyLevelList,
  PublicProfile,
  PublicUser,
  RoomSummary,
} from "../lib/common/api_types.ts";
import type { Locale } from "../lib/common/i18n/locale.ts";
import type { Theme } from "../lib/common/theme.ts";
import type { RecordingLimits } from "../lib/common/recordings.ts";
import { type Catalogue, createTranslator } from "../lib/common/i18n/translate.ts";
import { ChatClient } from "../client/chat_client.ts";
import type { NewRoomKind } from "../client/room_calls_api.ts";
import { ChatStore, type ChatStoreInit } from "../client/chat_store.ts";
import { findUser } from "../client/friends_api.ts";
import { NoticeBoard } from "../client/notice_board.ts";
import { ProfileCache } from "../client/profile_cache.ts";
import { messageFromHash, roomFromHash, roomHash } from "../client/room_hash.ts";
import { I18nContext } from "../components/i18n_context.ts";
import NoticeBar from "../components/NoticeBar.tsx";
import { ConfirmDialog, ProfileCard, SearchLauncher } from "../components/lazy_parts.ts";
import { relationTo } from "../client/relation.ts";
import RoomPane from "../components/RoomPane.tsx";
import Sidebar from "../components/Sidebar.tsx";
import { useReadState } from "../client/use_read_state.ts";
import { useE2e } from "../client/use_e2e.ts";
import { NotifyLevels } from "../client/notify/notify_levels.ts";
import { NotifyPrefs } from "../client/notify/notify_prefs.ts";

/** Friend requests and blocks, loaded on the first such action (not needed to open the page). */
const friendActions = () => import("../client/friend_actions_api.ts");
/** The incoming-call dialog and the call view, with the WebRTC code: a chunk of their own. */
const LazyCallLayer = lazyComponent(() => import("../components/CallLayer.tsx"));
/**
 * Props of {@linkcode ChatApp}, serialized into the page by the server: the signed-in user,
 * the first pages of the conversation list and of the public rooms to discover, their own
 * profile, friends and requests, and the UI language with its catalogue (only that one, so
 * the bundle carries no catalogue).
 */
export interface ChatAppProps extends ChatStoreInit {
  /** The signed-in user. */
  user: PublicUser;
  /** The language the page is in. */
  locale: Locale;
  /** That language's strings. */
  catalogue: Catalogue;
  /** The language saved in the user's profile; null: the browser's (for the profile editor). */
  savedLocale: Locale | null;
  /** The colour theme the page was rendered with (for the theme picker). */
  theme: Theme;
  /** The longest voice and video messages (`VOICE_MAX_SECONDS`, `VIDEO_MAX_SECONDS`). */
  recordings: RecordingLimits;
  /** The user's notification levels by conversation (defaults left out), and their version. */
  notifyLevels: NotifyLevelList;
  /** Whether the user hides their "last seen". */
  hideLastSeen: boolean;
  /** The versions of the conversation and friend lists the page came with. */
  listMarks: ListMarks;
}

/**
 * The chat island: a sidebar (connection status, conversations, discover, friends, new room)
 * and the shown room (header, messages, composer). Its state is a {@linkcode ChatStore}; the
 * selected room lives in `location.hash`.
 *
 * Server-side rendering shows the newest listed group room (else DM) and opens no socket; the
 * browser connects in an effect after hydration.
 */
export default function ChatApp(props: ChatAppProps) {
  const { user, locale, listMarks } = props;
  const i18n = useMemo(() => ({ locale, t: createTranslator(locale, props.catalogue) }), [locale]);
  const { t } = i18n;
  const client = useMemo(() => {
    const created = new ChatClient({ user });
    created.setFriends(props.friends.friends);
    return created;
  }, [user.id]);
  const calls = useMemo(() => new CallHost(client), [client]);
  const names = useMemo(() => new ProfileCache(findUser, t("user.deleted")), [user.id]);
  const store = useMemo(
    () => new ChatStore(props, { unreadOf: (id) => client.room(id).unread.value }),
    [user.id],
  );
  const board = useMemo(() => new NoticeBoard(), [user.id]);
  const prefs = useMemo(() => new NotifyPrefs(), [user.id]);
  const levels = useMemo(() => new NotifyLevels(props.notifyLevels), [user.id]);
  const hideLastSeen = useMemo(() => signal(props.hideLastSeen), [user.id]);
  useReadState(client, store, t);
  const e2e = useE2e(client, store);
  useEffect(() => {
    // Notifications, the service worker, the offline copies, the away status, the favicon
    // badge, the redirect when the session ends elsewhere and the lookup of a linked
    // conversation not on the first page wait for a chunk of their own: none of them is needed
    // for the first paint.
    let stop: (() => void) | undefined;
    let live = true;
    const start = () =>
      import("../client/app_services.ts").then(({ startAppServices }) => {
        if (live) {
          stop = startAppServices({ client, store, names, prefs, levels, t, listMarks });
        }
      }, () => live && addEventListener("online", start, { once: true }));
    void start();
    return () => {
      live = false;
      removeEventListener("online", start);
      stop?.();
    };
  }, [client, store, names, prefs, levels]);

  useEffect(() =>
    effect(() => {
      const { profile, friends, dms } = store;
      names.put(profile.value, ...friends.value.friends, ...dms.value.map((dm) => dm.peer));
    }), [names, store]);
  useEffect(() => effect(() => client.setFriends(store.friends.value.friends)), [client, store]);

  useEffect(() => {
    // Only the listed conversations (first page, then "Load more") and the shown room are
    // followed: each subscription also loads a history page, and 500 of them took 1–2 s of
    // server work on one socket (tests/integration_conversations_test.ts).
    let opened = new Set<string>();
    return effect(() => {
      const ids = new Set(store.conversations.value.map((item) => item.room.id));
      const shown = store.shownId.value;
      if (shown !== null) ids.add(shown);
      untracked(() => {
        for (const id of ids) if (!opened.has(id)) client.openRoom(id);
        for (const id of opened) if (!ids.has(id)) client.closeRoom(id);
      });
      opened = ids;
    });
  }, [client, store]);

  useEffect(() => {
    client.connect();
    // The lists came with the page; refresh them after a reconnect (the server may have
    // restarted) and when the server ends a subscription (the user left in another tab). After
    // the first connect, the app services read a list again when the `welcome` tells of a change
    // made since the render (`followLists`).
    let wasOnline = false;
    let connections = 0;
    let revocations = client.revocations.peek();
    const stopWatching = effect(() => {
      const online = client.status.value.state === "online";
      // The notification levels are read again by the app services (`followLevels`).
      if (online && !wasOnline && connections++ > 0) {
        void store.refresh();
        void store.refreshFriends();
      }
      wasOnline = online;
      if (client.revocations.value !== revocations) {
        revocations = client.revocations.value;
        void store.refresh();
      }
    });
    const stopEvents = client.onUserEvent((event) => {
      board.take(event);
      // The client keeps presence itself; the dots read it.
      if (event.kind === "presence") return;
      if (event.kind === "muted") {
        return store.mutedChanged(event.roomId, event.muted ? { by: event.by } : null);
      }
      if (event.kind === "discover") return store.discoverChanged(event.roomId, event.room);
      if (event.kind === "notify_level") return levels.changed(event);
      if (event.kind === "dm_opened") return store.dmOpened(event.dm);
      if (event.kind === "room_joined" || event.kind === "room_updated") {
        return store.roomJoined(event.room);
      }
      if (event.kind === "room_removed") {
        store.roomRemoved(event.roomId);
        return void store.refresh();
      }
      if (event.kind === "profile") {
        names.put(event.profile);
        store.profileChanged(names.shown(event.profile));
      }
      // The app services look up and list a conversation with news (`listOnActivity`).
      if (event.kind !== "activity") void store.refreshFriends();
    });
    return () => {
      stopEvents();
      stopWatching();
      client.close();
    };
  }, [client, names, store, board, levels]);

  useEffect(() => {
    const fromHash = () => {
      const room = roomFromHash(location.hash);
      store.selectedId.value = room;
      const seq = messageFromHash(location.hash);
      if (room !== null && seq !== null) store.messageActions.jumpTo.value = { room, seq };
    };
    fromHash();
    addEventListener("hashchange", fromHash);
    return () => removeEventListener("hashchange", fromHash);
  }, [store]);

  useEffect(() =>
    effect(() => {
      const id = store.shownId.value;
      untracked(() => {
        client.setActiveRoom(id);
        store.shownRoomChanged();
      });
    }), [client, store]);

  const showInLink = (id: string) => location.hash = roomHash(id);

  const create = async (name: string, topic: string, kind: NewRoomKind) => {
    showInLink((await store.createRoom(name, topic, kind)).id);
  };

  const join = async (id: string) => {
    const room = await store.joinRoom(id);
    if (room) showInLink(room.id);
  };

  const message = async (friend: PublicProfile, encrypted = false) => {
    const dm = await store.messageFriend(friend, encrypted);
    if (dm) showInLink(dm.id);
  };
  const secretChat = (friend: PublicProfile) => message(friend, true);

  const openProfile = (id: string, username: string) => {
    store.profileCard.value = { id, name: username, displayName: username, status: "" };
  };
  // The cache has (or looks up once) the profile of a card opened from a name alone.
  const opened = store.profileCard.value;
  const card = opened && (names.profileOf(opened.id, opened.name) ?? opened);
  const friendsChanged = async (work: Promise<unknown>) => {
    await work;
    await store.refreshFriends();
  };
  const cardActions = {
    message: async (person: PublicProfile) => {
      store.profileCard.value = null;
      await message(person);
    },
    secretChat: async (person: PublicProfile) => {
      store.profileCard.value = null;
      await secretChat(person);
    },
    addFriend: (person: PublicProfile) =>
      friendsChanged(friendActions().then((api) => api.sendRequest(person.name, ""))),
    block: (person: PublicProfile) =>
      friendsChanged(friendActions().then((api) => api.friendAction("block", person.name))),
  };

  const [leaving, setLeaving] = useState<RoomSummary | null>(null);
  const leave = async (room: RoomSummary) => {
    setLeaving(null);
    const unsent = client.outbox.forRoom(room.id);
    if (!await store.leaveRoom(room.id)) return;
    for (const entry of unsent) client.discard(entry.clientId);
    // The next conversation is shown (the store's fallback), with no room in the link.
    history.replaceState(null, "", location.pathname + location.search);
  };

  const menuOpen = store.menuOpen.value;
  useEffect(() => {
    // Escape closes the drawer as it closes a dialog; focus goes back to its toggle. Listening
    // all the time, not only once the drawer is open: an effect run on opening comes after
    // the next paint, and an Escape pressed before it was lost.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || !store.menuOpen.value) return;
      if (document.querySelector("dialog[open]")) return;
      store.menuOpen.value = false;
      document.querySelector<HTMLElement>(".menu-toggle")?.focus();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [store]);

  const unsent = leaving ? client.outbox.forRoom(leaving.id).length : 0;
  return (
    <I18nContext.Provider value={i18n}>
      <h1 class="visually-hidden">{t("chat.heading")}</h1>
      <div
        class={[
          "chat-app",
          menuOpen && "menu-open",
          // On a phone with nothing to show, the conversation list is the screen.
          store.shownId.value === null && "no-conversation",
        ].filter(Boolean).join(" ")}
      >
        <Sidebar
          user={user}
          savedLocale={props.savedLocale}
          hideLastSeen={hideLastSeen}
          prefs={prefs}
          theme={props.theme}
          store={store}
          client={client}
          names={names}
          onJoin={join}
          onMessage={message}
          onSecretChat={secretChat}
          onCreate={create}
        />
        {menuOpen && (
          <button
            type="button"
            class="drawer-backdrop"
            aria-label={t("chat.closeRoomList")}
            onClick={() => store.menuOpen.value = false}
          />
        )}
        <RoomPane
          user={user}
          store={store}
          client={client}
          names={names}
          recordings={props.recordings}
          onLeave={(room) => setLeaving(room)}
          onAuthor={openProfile}
          levels={levels}
          prefs={prefs}
          calls={calls}
          e2e={e2e}
        />
      </div>
      {calls.wanted.value && (
        <LazyCallLayer
          host={calls}
          client={client}
          user={user}
          profileOf={(id) => store.dms.value.find((dm) => dm.peer.id === id)?.peer}
        />
      )}
      <NoticeBar board={board} />
      <SearchLauncher store={store} />
      {card && (
        <ProfileCard
          key={card.id}
          user={card}
          relation={relationTo(user.id, store.friends.value, card.id)}
          actions={cardActions}
          onClose={() => store.profileCard.value = null}
          e2e={e2e}
        />
      )}
      {leaving && (
        <ConfirmDialog
          title={t("chat.leaveQuestion", { room: leaving.name })}
          message={unsent > 0
            ? t("chat.unsentConfirm", { count: unsent, room: leaving.name })
            : t("chat.leaveNote")}
          confirmLabel={t("room.leave")}
          danger
          onCancel={() => setLeaving(null)}
          onConfirm={() => void leave(leaving)}
        />
      )}
    </I18nContext.Provider>
  );
}
