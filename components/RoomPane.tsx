import type { ChatClient } from "../client/chat_client.ts";
import type { ChatStore } from "../client/chat_store.ts";
import type { ProfileCache } from "../client/profile_cache.ts";
import type { PublicUser, RoomSummary } from "../lib/common/api_types.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import Composer from "./Composer.tsx";
import MessageList from "./MessageList.tsx";
import RoomHeader from "./RoomHeader.tsx";
import RoomSettings from "./RoomSettings.tsx";
import TypingIndicator from "./TypingIndicator.tsx";
import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode RoomPane}. */
export interface RoomPaneProps {
  /** The signed-in user. */
  user: PublicUser;
  /** The island's state. */
  store: ChatStore;
  /** The connection: messages, outbox, status and errors. */
  client: ChatClient;
  /** Display names and avatars of message authors. */
  names: ProfileCache;
  /** Leaves the shown group room. */
  onLeave: (room: RoomSummary) => void;
}

/**
 * The main pane: the room header, the offline and error banners, the settings panel of a
 * group room when open, then the shown room's messages and composer (or an empty state).
 */
export default function RoomPane({ user, store, client, names, onLeave }: RoomPaneProps) {
  const { t } = useI18n();
  const shown = store.shown.value;
  const current = shown?.room;
  const sigil = shown?.peer ? "@" : "#";
  const lastError = client.lastError.value;
  const roomError = store.roomError.value;
  const connection = client.status.value.state;
  const disconnected = connection === "offline" || connection === "reconnecting";
  return (
    <main class="room-pane">
      <RoomHeader store={store} client={client} onLeave={onLeave} />
      {disconnected && (
        <p class="banner offline-banner" role="status" data-testid="offline-banner">
          {t("room.offline")}
        </p>
      )}
      {lastError !== null && <p class="error banner" role="alert">{showText(t, lastError)}</p>}
      {roomError !== null && <p class="error banner" role="alert">{showText(t, roomError)}</p>}
      {store.settingsOpen.value && current && !shown.peer && (
        <RoomSettings
          key={current.id}
          roomId={current.id}
          userId={user.id}
          onClose={() => store.settingsOpen.value = false}
          onDeleted={() => {
            store.settingsOpen.value = false;
            void store.refresh();
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
              roomName={`${sigil}${current.name}`}
              direct={shown.peer !== undefined}
              authorOf={(id, username) => {
                const known = names.profileOf(id, username);
                return { name: known?.displayName ?? username, avatarUrl: known?.avatarUrl };
              }}
            />
            <TypingIndicator client={client} roomId={current.id} />
            <Composer
              key={current.id}
              roomName={`${sigil}${current.name}`}
              onSend={(text) => client.send(current.id, text)}
              onTextChange={(text) => client.composing(current.id, text)}
            />
          </>
        )
        : <p class="empty-state">{t("room.empty")}</p>}
    </main>
  );
}
