import type { ChatClient } from "../client/chat_client.ts";
import type { CallHost } from "../client/calls/call_host.ts";
import type { ChatStore } from "../client/chat_store.ts";
import type { ProfileCache } from "../client/profile_cache.ts";
import type { PublicUser, RoomSummary } from "../lib/common/api_types.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import Composer from "./Composer.tsx";
import RoomHeader from "./RoomHeader.tsx";
import { useI18n } from "./i18n_context.ts";
import { useState } from "preact/hooks";
import { useUploadDrafts } from "../client/uploads/use_upload_drafts.ts";
import type { RecordingLimits } from "../lib/common/recordings.ts";
import { MessageList, ReplyBanner, TypingIndicator } from "./lazy_parts.ts";
import type { NotifyLevels } from "../client/notify/notify_levels.ts";
import type { NotifyPrefs } from "../client/notify/notify_prefs.ts";
import { useRoomRole } from "./use_room_role.ts";
import { isManager } from "../lib/common/room_roles.ts";
import { isActionEntry } from "../lib/common/protocol.ts";
import { LazyEmojiPicker } from "./emoji_picker_lazy.ts";
import { lazyComponent } from "./lazy_component.ts";
import type { E2eParts } from "../client/use_e2e.ts";

/** Loaded on first open: not needed at first paint. */
const RoomSettings = lazyComponent(() => import("./RoomSettings.tsx"));
/** Loaded on first open: not needed at first paint. */
const MembersPanel = lazyComponent(() => import("./MembersPanel.tsx"));

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
  /** Opens a message author's (or a member's) profile card. */
  onAuthor?: (id: string, username: string) => void;
  /** The longest voice and video messages. */
  recordings: RecordingLimits;
  /** Notification levels per conversation (the header's bell menu). */
  levels: NotifyLevels;
  /** This device's notification switches. */
  prefs: NotifyPrefs;
  /** Places calls (the DM header's phone and camera buttons). */
  calls?: CallHost;
  /** The encrypted rooms as this device reads them, and their session once loaded. */
  e2e?: E2eParts;
}

/**
 * The main pane: the room header, the offline and error banners, the settings dialog of a
 * group room when open, then the shown room's messages and composer (or an empty state),
 * with the members panel beside them when open.
 */
export default function RoomPane(
  { user, store, client, names, onLeave, onAuthor, recordings, levels, prefs, calls, e2e }:
    RoomPaneProps,
) {
  const { t } = useI18n();
  const shown = store.shown.value;
  const current = shown?.room;
  const sigil = shown?.peer ? "@" : "#";
  const lastError = client.lastError.value;
  const roomError = store.roomError.value;
  const connection = client.status.value.state;
  const disconnected = connection === "offline" || connection === "reconnecting";
  const drafts = useUploadDrafts();
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;
  const actions = store.messageActions;
  const role = useRoomRole(current?.id ?? "", !current || shown?.peer !== undefined);
  const replyTo = current ? actions.replyIn(current.id) : null;
  const encrypted = current?.encrypted ? e2e?.view.room(current.id) : undefined;
  const nameOf = (id: string, username: string) =>
    names.profileOf(id, username)?.displayName ?? username;
  return (
    <main
      class={dragging ? "room-pane dragging" : "room-pane"}
      data-drop-hint={dragging ? t("files.dropHere") : undefined}
      onDragOver={(event) => {
        if (!current || !carriesFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setDragging(false);
      }}
      onDrop={(event) => {
        setDragging(false);
        if (!current || !carriesFiles(event)) return;
        event.preventDefault();
        const files = [...event.dataTransfer?.files ?? []];
        void drafts.ready.then((loaded) => {
          const error = loaded.add(current.id, files, current.encrypted);
          if (error) store.roomError.value = error;
        });
      }}
    >
      <RoomHeader
        store={store}
        client={client}
        onLeave={onLeave}
        levels={levels}
        prefs={prefs}
        calls={calls}
        e2e={e2e}
      />
      {disconnected && (
        <p class="banner offline-banner" role="status" data-testid="offline-banner">
          {t(connection === "offline" ? "room.offline" : "room.reconnecting")}
        </p>
      )}
      {lastError !== null && <p class="error banner" role="alert">{showText(t, lastError)}</p>}
      {roomError !== null && <p class="error banner" role="alert">{showText(t, roomError)}</p>}
      {store.settingsOpen.value && current && !shown.peer && (
        <RoomSettings
          key={current.id}
          roomId={current.id}
          onClose={() => store.settingsOpen.value = false}
          onDeleted={() => {
            store.settingsOpen.value = false;
            void store.refresh();
          }}
        />
      )}
      {current
        ? (
          <div class="room-body">
            <div class="room-column" data-e2e-status={encrypted?.status}>
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
                isMember={(name) => store.members.has(current.id, name)}
                actions={actions}
                canModerate={isManager(role)}
                emojiPicker={LazyEmojiPicker}
                onAuthor={onAuthor}
                e2e={encrypted}
              />
              <TypingIndicator client={client} roomId={current.id} nameOf={nameOf} />
              {replyTo && (
                <ReplyBanner
                  message={replyTo}
                  author={nameOf(replyTo.from, replyTo.author)}
                  onCancel={() => actions.replyTo.value = null}
                />
              )}
              <Composer
                key={current.id}
                roomName={`${sigil}${current.name}`}
                roomId={current.id}
                encrypted={current.encrypted}
                drafts={drafts}
                onSend={(text, attachments) => {
                  // An encrypted room's text, reply and files go only through its MLS group. A
                  // text typed while this device waits for the keys (or loads them) is held until
                  // it can be encrypted; a reply or files still need the keys at once.
                  const status = encrypted?.status;
                  const problem = !current.encrypted
                    ? client.send(current.id, text, replyTo?.seq, attachments)
                    : encrypted?.act
                    ? encrypted.act.send(text, replyTo, attachments)
                    : (status == "waiting" || status == "loading") && !replyTo && !attachments
                    ? client.send(current.id, text, undefined, undefined, "keys")
                    : { key: "e2e.notReady" } as const;
                  if (problem === null) actions.replyTo.value = null;
                  return problem;
                }}
                onTextChange={(text) => client.composing(current.id, text)}
                recording={current.encrypted ? undefined : { limits: recordings, client }}
                muted={store.mutedIn(current.id)}
                members={() => store.members.of(current.id)}
                onMentionStart={() => void store.members.refresh(current.id)}
                onEditLast={() => {
                  const last = client.room(current.id).list.value.findLast((message) =>
                    message.from === user.id && !message.deleted && !isActionEntry(message)
                  );
                  if (!last) return false;
                  actions.editing.value = { room: current.id, seq: last.seq };
                  return true;
                }}
              />
            </div>
            {store.membersOpen.value && !shown.peer && (
              <MembersPanel
                key={current.id}
                roomId={current.id}
                roomName={`${sigil}${current.name}`}
                userId={user.id}
                client={client}
                onClose={() => store.membersOpen.value = false}
                onProfile={onAuthor}
              />
            )}
          </div>
        )
        : <p class="empty-state">{t("room.empty")}</p>}
    </main>
  );
}
