import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatClient } from "../client/chat_client.ts";
import type { DisplayMessage } from "../client/group_messages.ts";
import type { MessageActionsState } from "../client/message_actions_state.ts";
import type { E2eRoomView } from "../client/e2e_view.ts";
import { messageHash } from "../client/message_link.ts";
import type { EmojiPickerComponent } from "./MessageMenu.tsx";
import ConfirmDialog from "./ConfirmDialog.tsx";
import MessageEditor from "./MessageEditor.tsx";
import MessageMenu from "./MessageMenu.tsx";
import VersionsDialog from "./VersionsDialog.tsx";
import MessageText from "./MessageText.tsx";
import AttachmentList from "./AttachmentList.tsx";
import Reactions from "./Reactions.tsx";
import ReplyQuote from "./ReplyQuote.tsx";
import { useI18n } from "./i18n_context.ts";
import { lazyComponent } from "./lazy_component.ts";

/** Loaded on first use: few people ever report a message. */
const ReportDialog = lazyComponent(() => import("./ReportDialog.tsx"));

/** Props of {@linkcode MessageBody}. */
export interface MessageBodyProps {
  message: DisplayMessage;
  client: ChatClient;
  roomId: string;
  actions: MessageActionsState;
  /** The user is the room's owner or an admin: they may delete any message. */
  canModerate: boolean;
  /** A display name for a user id. */
  nameOf: (id: string, username: string) => string;
  /** The full emoji picker, when one is plugged in. */
  emojiPicker?: EmojiPickerComponent | undefined;
  /** Whether a lower-cased username is a member of the room: its `@mention` is highlighted. */
  isMember?: ((lowerName: string) => boolean) | undefined;
  /**
   * An encrypted room as this device reads it: edits and reactions go through its group, and
   * its files are shown decrypted.
   */
  e2e?: E2eRoomView | undefined;
}

/** How long a touch must rest on a message to open its menu. */
const LONG_PRESS_MS = 500;

/**
 * The inside of a stored message: its reply quote, its text (or "Message deleted", or the
 * inline editor), "(edited)" opening the earlier versions, its reactions, and its menu.
 * Outbox entries show only their text.
 */
export default function MessageBody(props: MessageBodyProps) {
  const { message, client, roomId, actions, nameOf } = props;
  const { t } = useI18n();
  const stored = message.stored;
  const [menuOpen, setMenuOpen] = useState(false);
  const [dialog, setDialog] = useState<"delete" | "versions" | "picker" | "report" | null>(
    null,
  );
  const root = useRef<HTMLDivElement>(null);
  const press = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!menuOpen) return;
    const close = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) setMenuOpen(false);
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, [menuOpen]);

  // A caption sits above the files; a message of files alone has no text paragraph.
  const text = (message.text !== "" || !message.attachments) && (
    <MessageText
      text={message.text}
      self={client.user.name.toLowerCase()}
      mentionsMe={message.mentionsMe}
      isMember={props.isMember}
    />
  );
  const files = message.attachments && (
    <AttachmentList
      room={roomId}
      seq={message.seq}
      attachments={message.attachments}
      mine={stored ? stored.from === client.user.id : true}
      sources={props.e2e?.files}
    />
  );
  if (!stored) {
    return (
      <>
        {text}
        {files}
      </>
    );
  }
  if (stored.deleted) {
    return <p class="message-text deleted" data-testid="message-deleted">{t("message.deleted")}</p>;
  }
  const own = stored.from === client.user.id;
  const editing = actions.isEditing(roomId, stored.seq);
  const act = props.e2e?.act;
  const react = (emoji: string, on = true) =>
    act ? act.react(stored.seq, emoji, on) : client.react(roomId, stored.seq, emoji, on);
  const Picker = props.emojiPicker;
  const cancelPress = () => clearTimeout(press.current);

  return (
    <div
      ref={root}
      class={menuOpen ? "message-body menu-open" : "message-body"}
      onPointerDown={(event) => {
        if (event.pointerType !== "touch") return;
        cancelPress();
        press.current = setTimeout(() => setMenuOpen(true), LONG_PRESS_MS);
      }}
      onPointerUp={cancelPress}
      onPointerCancel={cancelPress}
      onPointerMove={cancelPress}
      onContextMenu={(event) => {
        if (menuOpen) event.preventDefault();
      }}
    >
      {stored.replyTo && (
        <ReplyQuote
          quote={stored.replyTo}
          author={nameOf(stored.replyTo.from, stored.replyTo.author)}
          deleted={client.room(roomId).messages.value.get(stored.replyTo.seq)?.deleted}
          onJump={() => actions.jumpTo.value = { room: roomId, seq: stored.replyTo!.seq }}
        />
      )}
      {editing
        ? (
          <MessageEditor
            initial={stored.text}
            onCancel={() => actions.editing.value = null}
            onSave={(text) => {
              const problem = act
                ? act.edit(stored.seq, text)
                : client.edit(roomId, stored.seq, text);
              if (problem === null) actions.editing.value = null;
              return problem;
            }}
          />
        )
        : (
          <>
            {text}
            {stored.editedAt !== undefined && (
              <button
                type="button"
                class="link-button edited-mark"
                data-testid="edited"
                title={t("message.editedTitle")}
                // The server keeps no earlier version of an encrypted message.
                onClick={() => !props.e2e && setDialog("versions")}
              >
                {t("message.edited")}
              </button>
            )}
          </>
        )}
      {files}
      {stored.reactions && (
        <Reactions
          reactions={stored.reactions}
          userId={client.user.id}
          nameOf={nameOf}
          onToggle={react}
        />
      )}
      {!editing && (
        <MessageMenu
          author={nameOf(stored.from, stored.author)}
          onReact={(emoji) => {
            const mine = stored.reactions?.find((r) => r.emoji === emoji)?.users
              .some((user) => user.id === client.user.id);
            react(emoji, !mine);
            setMenuOpen(false);
          }}
          {...(Picker ? { onMoreEmoji: () => setDialog("picker") } : {})}
          onReply={() => {
            actions.replyTo.value = stored;
            setMenuOpen(false);
            document.querySelector<HTMLElement>("[data-testid=composer]")?.focus();
          }}
          {...(own
            ? { onEdit: () => actions.editing.value = { room: roomId, seq: stored.seq } }
            : {})}
          {...(own || props.canModerate ? { onDelete: () => setDialog("delete") } : {})}
          copyText={stored.text}
          copyLink={() =>
            `${location.origin}${location.pathname}${messageHash(roomId, stored.seq)}`}
          {...(own ? {} : { onReport: () => setDialog("report") })}
        />
      )}
      {dialog === "report" && (
        <ReportDialog
          room={roomId}
          seq={stored.seq}
          author={nameOf(stored.from, stored.author)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "delete" && (
        <ConfirmDialog
          title={t("delete.title")}
          message={t("delete.message")}
          confirmLabel={t("delete.confirm")}
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            client.deleteMessage(roomId, stored.seq);
          }}
        />
      )}
      {dialog === "versions" && (
        <VersionsDialog
          load={() => client.versions(roomId, stored.seq)}
          current={{ text: stored.text, at: stored.editedAt ?? stored.at }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "picker" && Picker && (
        <Picker
          onPick={(emoji) => {
            setDialog(null);
            react(emoji);
          }}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
