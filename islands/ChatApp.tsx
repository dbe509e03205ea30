import { effect } from "@preact/signals";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type {
  DirectRoom,
  FriendLists,
  PublicProfile,
  PublicUser,
  RoomLists,
  RoomSummary,
} from "../lib/common/api_types.ts";
import type { Conversation, ConversationPage } from "../lib/common/api_types.ts";
import { listConversations } from "../client/conversations_api.ts";
import ConversationList from "./ConversationList.tsx";
import { ChatClient } from "../client/chat_client.ts";
import { findUser, listFriends, openDm } from "../client/friends_api.ts";
import { ProfileCache } from "../client/profile_cache.ts";
import { roomFromHash, roomHash } from "../client/room_hash.ts";
import * as api from "../client/rooms_api.ts";
import Composer from "./Composer.tsx";
import ConnectionStatus from "./ConnectionStatus.tsx";
import FriendList from "./FriendList.tsx";
import MessageList from "./MessageList.tsx";
import NewRoomForm from "./NewRoomForm.tsx";
import PresenceDot from "./PresenceDot.tsx";
import ProfileEditor from "./ProfileEditor.tsx";
import RoomList from "./RoomList.tsx";
import RoomSettings from "./RoomSettings.tsx";
import Avatar from "./Avatar.tsx";

/** Props of {@linkcode ChatApp}, serialized into the page by the server. */
export interface ChatAppProps {
  /** The signed-in user. */
  user: PublicUser;
  /** The user's rooms and the public rooms to discover, at page load. */
  rooms: RoomLists;
  /** The user's own profile, at page load. */
  profile: PublicProfile;
  /** Friends and requests, at page load. */
  friends: FriendLists;
  /** Direct conversations, at page load. */
  dms: DirectRoom[];
  /** The first page of the conversation list (groups and DMs by last activity). */
  conversations: ConversationPage;
}

/**
 * The chat island: a sidebar (connection status, your rooms, discover, new room) and the
 * selected room (header, messages, composer). The selected room lives in `location.hash`.
 *
 * Server-side rendering shows the first joined room from the props and opens no socket; the
 * browser connects in an effect after hydration.
 */
export default function ChatApp({ user, rooms, ...initial }: ChatAppProps) {
  const client = useMemo(() => {
    const created = new ChatClient({ user });
    created.setFriends(initial.friends.friends);
    return created;
  }, [user.id]);
  const names = useMemo(() => new ProfileCache(findUser), [user.id]);
  const [lists, setLists] = useState<RoomLists>(rooms);
  const [convs, setConvs] = useState(() => pageState(initial.conversations));
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadingDiscover, setLoadingDiscover] = useState(false);
  const [profile, setProfile] = useState(initial.profile);
  const [friends, setFriends] = useState(initial.friends);
  const [dms, setDms] = useState(initial.dms);
  const [editing, setEditing] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [joining, setJoining] = useState<string | null>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [roomError, setRoomError] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const opened = useRef(new Set<string>());
  const refreshes = useRef(0);
  const dmRooms = dms.map((dm): RoomSummary => ({
    id: dm.id,
    name: dm.peer.displayName,
    topic: dm.peer.status,
    createdAt: dm.createdAt,
    avatarUrl: dm.peer.avatarUrl,
  }));
  const currentDm = dmRooms.find((room) => room.id === selected);
  const currentPeer = currentDm && dms.find((dm) => dm.id === currentDm.id)?.peer;
  const current = currentDm ??
    lists.joined.find((room) => room.id === selected) ?? lists.joined[0] ?? null;
  useEffect(() => {
    names.put(profile, ...friends.friends, ...dms.map((dm) => dm.peer));
  }, [names, profile, friends, dms]);
  useEffect(() => client.setFriends(friends.friends), [client, friends]);

  const refreshFriends = useCallback(async () => {
    try {
      setFriends(await listFriends());
    } catch {
      // Kept as is; the next notice or reconnect refreshes again.
    }
  }, []);

  const addDm = useCallback((dm: DirectRoom) => {
    const room = { id: dm.id, name: dm.peer.displayName, topic: dm.peer.status };
    setConvs((old) =>
      addConversation(old, { ...room, createdAt: dm.createdAt, kind: "direct", peer: dm.peer })
    );
    setDms((old) => [dm, ...old.filter((item) => item.id !== dm.id)]);
  }, []);

  const refresh = useCallback(async () => {
    const mine = ++refreshes.current;
    try {
      const [next, page] = await Promise.all([api.listRooms(), listConversations()]);
      if (mine !== refreshes.current) return;
      setLists(next);
      setConvs(pageState(page));
    } catch (error) {
      setJoinError(messageOf(error));
    }
  }, []);

  useEffect(() => {
    // Only the loaded conversations (first page, then "Load more") and the shown room are
    // followed: each subscription also loads a history page, and 500 of them took 1–2 s of
    // server work on one socket (tests/integration_conversations_test.ts).
    const ids = new Set(convs.items.map((item) => item.room.id));
    if (current) ids.add(current.id);
    for (const id of ids) if (!opened.current.has(id)) client.openRoom(id);
    for (const id of opened.current) if (!ids.has(id)) client.closeRoom(id);
    opened.current = ids;
  }, [client, convs.items, current?.id]);

  useEffect(() => {
    client.connect();
    // The lists came with the page; refresh them after a reconnect (the server may have
    // restarted) and when the server ends a subscription (the user left in another tab).
    let wasOnline = false;
    let connections = 0;
    let revocations = client.revocations.peek();
    const stopWatching = effect(() => {
      const online = client.status.value.state === "online";
      if (online && !wasOnline && connections++ > 0) {
        void refresh();
        void refreshFriends();
      }
      wasOnline = online;
      if (client.revocations.value !== revocations) {
        revocations = client.revocations.value;
        void refresh();
      }
    });
    const stopEvents = client.onUserEvent((event) => {
      // The client keeps presence itself; the dots read it.
      if (event.kind === "presence") return;
      if (event.kind === "dm_opened") return addDm(event.dm);
      if (event.kind === "room_joined" || event.kind === "room_updated") {
        const room = event.room;
        setConvs((old) => upsertGroup(old, room));
        return setLists((old) => ({
          ...old,
          joined: [...old.joined.filter((item) => item.id !== room.id), room],
          discover: old.discover.filter((item) => item.id !== room.id),
        }));
      }
      if (event.kind === "room_removed") return void refresh();
      if (event.kind === "profile") {
        const changed = event.profile;
        names.put(changed);
        if (changed.id === user.id) setProfile(changed);
        setDms((old) => old.map((dm) => dm.peer.id === changed.id ? { ...dm, peer: changed } : dm));
      }
      void refreshFriends();
    });
    return () => {
      stopEvents();
      stopWatching();
      client.close();
    };
  }, [client, names, refresh, refreshFriends, addDm]);

  useEffect(() => {
    const fromHash = () => setSelected(roomFromHash(location.hash));
    fromHash();
    addEventListener("hashchange", fromHash);
    return () => removeEventListener("hashchange", fromHash);
  }, []);

  useEffect(() => {
    client.setActiveRoom(current?.id ?? null);
    setRoomError(null);
    setSettingsOpen(false);
  }, [client, current?.id]);

  const select = (id: string) => {
    setSelected(id);
    setMenuOpen(false);
  };

  const show = (room: RoomSummary) => {
    setConvs((old) => addConversation(old, { ...room, kind: "group" }));
    setLists((old) => ({
      ...old,
      joined: [...old.joined.filter((item) => item.id !== room.id), room],
      discover: old.discover.filter((item) => item.id !== room.id),
    }));
    location.hash = roomHash(room.id);
    select(room.id);
  };

  const message = async (friend: PublicProfile) => {
    setJoinError(null);
    try {
      const dm = await openDm(friend.name);
      addDm(dm);
      location.hash = roomHash(dm.id);
      select(dm.id);
    } catch (error) {
      setJoinError(messageOf(error));
    }
  };

  const create = async (name: string, topic: string, visibility: "public" | "private") => {
    show(await api.createRoom(name, topic || undefined, visibility));
  };

  const join = async (id: string) => {
    setJoining(id);
    setJoinError(null);
    try {
      show(await api.joinRoom(id));
    } catch (error) {
      setJoinError(messageOf(error));
    } finally {
      setJoining(null);
    }
  };

  const leave = async (room: RoomSummary) => {
    const unsent = client.outbox.forRoom(room.id);
    const question = `You have ${unsent.length} unsent message(s) in #${room.name}. ` +
      "Leave and discard them?";
    if (unsent.length > 0 && !confirm(question)) return;
    setRoomError(null);
    try {
      await api.leaveRoom(room.id);
    } catch (error) {
      return setRoomError(messageOf(error));
    }
    for (const entry of unsent) client.discard(entry.clientId);
    setLists((old) => ({ ...old, joined: old.joined.filter((item) => item.id !== room.id) }));
    setConvs((old) => ({ ...old, items: old.items.filter((item) => item.room.id !== room.id) }));
    history.replaceState(null, "", location.pathname + location.search);
    setSelected(null);
    void refresh();
  };

  const loadMore = async () => {
    if (convs.next === undefined || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await listConversations(convs.next);
      setConvs((old) => {
        const known = new Set(old.items.map((item) => item.room.id));
        const fresh = page.conversations.filter((item) => !known.has(item.room.id));
        return { items: [...old.items, ...fresh], next: page.nextCursor };
      });
    } catch (error) {
      setJoinError(messageOf(error));
    } finally {
      setLoadingMore(false);
    }
  };

  const moreDiscover = async () => {
    const cursor = lists.discoverCursor;
    if (cursor === undefined || loadingDiscover) return;
    setLoadingDiscover(true);
    try {
      const page = await api.discoverRooms(cursor);
      setLists((old) => {
        const known = new Set([...old.joined, ...old.discover].map((room) => room.id));
        const fresh = page.rooms.filter((room) => !known.has(room.id));
        return { ...old, discover: [...old.discover, ...fresh], discoverCursor: page.nextCursor };
      });
    } catch (error) {
      setJoinError(messageOf(error));
    } finally {
      setLoadingDiscover(false);
    }
  };

  const lastError = client.lastError.value;
  const connection = client.status.value.state;
  const disconnected = connection === "offline" || connection === "reconnecting";
  return (
    <div class={menuOpen ? "chat-app menu-open" : "chat-app"}>
      <aside class="sidebar" id="chat-sidebar">
        <div class="sidebar-top">
          <button
            type="button"
            class="sidebar-user link-button"
            title={`${user.name} — edit your profile`}
            data-testid="edit-profile"
            onClick={() => setEditing(!editing)}
          >
            <Avatar id={profile.id} name={profile.displayName} url={profile.avatarUrl} small />
            {profile.displayName}
          </button>
          <ConnectionStatus status={client.status} onRetry={() => client.reconnectNow()} />
        </div>
        {editing && (
          <ProfileEditor
            profile={profile}
            onSaved={setProfile}
            onClose={() => setEditing(false)}
          />
        )}
        <RoomList
          joined={lists.joined}
          direct={dms}
          discover={lists.discover}
          hasMoreDiscover={lists.discoverCursor !== undefined}
          loadingDiscover={loadingDiscover}
          onMoreDiscover={moreDiscover}
          selected={current?.id ?? null}
          unreadOf={(id) => client.room(id).unread.value}
          onSelect={select}
          onJoin={join}
          joining={joining}
          error={joinError}
          conversations={
            <ConversationList
              conversations={convs.items}
              direct={dms}
              userId={user.id}
              selected={current?.id ?? null}
              unreadOf={(id) => client.room(id).unread.value}
              newestOf={(id) => client.room(id).list.value.at(-1)}
              isOnline={(id) => client.isOnline(id)}
              nameOf={(id, username) => names.nameOf(id, username)}
              onSelect={select}
              hasMore={convs.next !== undefined}
              loading={loadingMore}
              onLoadMore={loadMore}
            />
          }
        />
        <FriendList
          lists={friends}
          onChanged={refreshFriends}
          onMessage={message}
          isOnline={(id) => client.isOnline(id)}
        />
        <NewRoomForm onCreate={create} />
      </aside>
      {menuOpen && (
        <button
          type="button"
          class="drawer-backdrop"
          aria-label="Close the room list"
          onClick={() => setMenuOpen(false)}
        />
      )}
      <main class="room-pane">
        <header class="room-header">
          <button
            type="button"
            class="menu-toggle"
            aria-controls="chat-sidebar"
            aria-expanded={menuOpen}
            aria-label="Rooms"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            ☰
          </button>
          {current && (
            <Avatar
              id={currentPeer?.id ?? current.id}
              name={current.name}
              url={current.avatarUrl}
            />
          )}
          <div class="room-title">
            <h2 data-testid="room-title">
              {currentPeer && <PresenceDot online={client.isOnline(currentPeer.id)} />}
              {current ? `${currentDm ? "@" : "#"} ${current.name}` : "Rooms"}
            </h2>
            {current?.topic && <p class="room-topic" title={current.topic}>{current.topic}</p>}
          </div>
          {current && !currentDm && (
            <button
              type="button"
              class="button secondary"
              aria-label="Room settings"
              aria-expanded={settingsOpen}
              data-testid="room-settings-toggle"
              onClick={() => setSettingsOpen(!settingsOpen)}
            >
              ⚙
            </button>
          )}
          {current && !currentDm && (
            <button
              type="button"
              class="button secondary"
              data-testid="leave-room"
              onClick={() => leave(current)}
            >
              Leave
            </button>
          )}
        </header>
        {disconnected && (
          <p class="banner offline-banner" role="status" data-testid="offline-banner">
            You are offline. Messages you send now are kept and delivered when the connection
            returns.
          </p>
        )}
        {lastError !== null && <p class="error banner" role="alert">{lastError}</p>}
        {roomError !== null && <p class="error banner" role="alert">{roomError}</p>}
        {settingsOpen && current && !currentDm && (
          <RoomSettings
            key={current.id}
            roomId={current.id}
            userId={user.id}
            onClose={() => setSettingsOpen(false)}
            onDeleted={() => {
              setSettingsOpen(false);
              void refresh();
            }}
          />
        )}
        {current
          ? (
            <>
              <MessageList
                key={current.id}
                client={client}
                roomId={current.id}
                authorOf={(id, username) => {
                  const known = names.profileOf(id, username);
                  return { name: known?.displayName ?? username, avatarUrl: known?.avatarUrl };
                }}
              />
              <Composer
                key={current.id}
                roomName={`${currentDm ? "@" : "#"}${current.name}`}
                onSend={(text) => client.send(current.id, text)}
              />
            </>
          )
          : (
            <p class="empty-state">
              No conversations yet — create a room, join one, or message a friend
            </p>
          )}
      </main>
    </div>
  );
}

/** The conversations loaded so far, and the cursor of the next page. */
interface ConversationsState {
  items: Conversation[];
  next: string | undefined;
}

function pageState(page: ConversationPage): ConversationsState {
  return { items: page.conversations, next: page.nextCursor };
}

/** Adds a room the user just joined, created or opened, at the top unless already listed. */
function addConversation(
  state: ConversationsState,
  room: Conversation["room"],
): ConversationsState {
  if (state.items.some((item) => item.room.id === room.id)) return state;
  return { ...state, items: [{ room, activity: Date.now() }, ...state.items] };
}

/** Adds a group room the user joined at the top, or updates a listed one (a rename). */
function upsertGroup(state: ConversationsState, room: RoomSummary): ConversationsState {
  if (!state.items.some((item) => item.room.id === room.id)) {
    return addConversation(state, { ...room, kind: "group" });
  }
  const items = state.items.map((item) =>
    item.room.id === room.id ? { ...item, room: { ...item.room, ...room } } : item
  );
  return { ...state, items };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
