import { Fragment } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { arrivalsAfter } from "../client/arrivals.ts";
import type { ChatClient } from "../client/chat_client.ts";
import { formatFullDate, formatTime } from "../client/format_time.ts";
import { type DisplayMessage, groupMessages, type MessageGroup } from "../client/group_messages.ts";
import { SYSTEM_SENDER } from "../lib/common/protocol.ts";
import { showText } from "../lib/common/i18n/translate.ts";
import { systemMessageText } from "../lib/common/room_event_text.ts";
import AttachmentList from "./AttachmentList.tsx";
import AuthorButton from "./AuthorButton.tsx";
import Avatar from "./Avatar.tsx";
import type { MessageActionsState } from "../client/message_actions_state.ts";
import type { E2eRoomView } from "../client/e2e_view.ts";
import { shownMessages } from "../client/e2e_shown.ts";
import type { EmojiPickerComponent } from "./MessageMenu.tsx";
import MessageBody from "./MessageItem.tsx";
import MessageText from "./MessageText.tsx";
import SeenReceipt from "./SeenReceipt.tsx";
import { useJumpTo } from "./use_jump_to.ts";
import { onMessageKey } from "./message_keys.ts";
import { countsAsUnread } from "../lib/common/unread.ts";
import { type ReceiptView, receiptView } from "../client/receipt_view.ts";
import { useI18n } from "./i18n_context.ts";
import { LOST_UPLOAD } from "../client/outbox.ts";

/** The error of a text whose keys never came (`client/e2e/held_for_keys.ts`), a message key. */
const KEYS_NEVER_CAME = "e2e.keysNeverCame";

/** How an author is shown: their display name and uploaded avatar, if any. */
export interface AuthorView {
  name: string;
  avatarUrl?: string | undefined;
}

/** Props of {@linkcode MessageList}. */
export interface MessageListProps {
  /** Source of the room's messages and the outbox. */
  client: ChatClient;
  /** The room shown; render with `key={roomId}` so each room starts at its bottom. */
  roomId: string;
  /** The room's name with its sigil, naming the scrollable message region. */
  roomName: string;
  /** How an author is shown (display name, avatar); the username when absent. */
  authorOf?: (id: string, username: string) => AuthorView;
  /** Whether a lower-cased username is a member of the room: its `@mention` is highlighted. */
  isMember?: (lowerName: string) => boolean;
  /** Reply, edit and jump state of the message actions; absent: no message menu. */
  actions?: MessageActionsState;
  /** The user may delete anyone's message here (the room's owner or an admin). */
  canModerate?: boolean;
  /** The full emoji picker behind the menu's "more emoji", once one is plugged in. */
  emojiPicker?: EmojiPickerComponent;
  /** Opens an author's profile card; with it, names and avatars are buttons. */
  onAuthor?: (id: string, username: string) => void;
  /** A direct conversation: its read receipt says "Seen" rather than "Seen by N". */
  direct?: boolean;
  /** An encrypted room: what this device read of it (texts shown in place of ciphertext). */
  e2e?: E2eRoomView;
}

/** Distance from the bottom, in pixels, that still counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;
/** Distance from the top, in pixels, at which the next older page is requested. */
const LOAD_OLDER_PX = 120;

interface Snapshot {
  first: string | undefined;
  last: string | undefined;
  height: number;
  top: number;
  atBottom: boolean;
}

/**
 * The messages of one room, grouped by author, own messages marked with their delivery
 * status. Follows new messages while scrolled to the bottom; otherwise shows a "New messages"
 * pill. Loads older pages when scrolled to the top, keeping the view where it was.
 */
export default function MessageList(
  {
    client,
    roomId,
    roomName,
    authorOf,
    direct = false,
    isMember,
    actions,
    canModerate = false,
    emojiPicker,
    onAuthor,
    e2e,
  }: MessageListProps,
) {
  const { t } = useI18n();
  const room = client.room(roomId);
  const messages = e2e
    ? shownMessages(room.list.value, e2e, {
      couldNotDecrypt: t("e2e.couldNotDecrypt"),
      beforeJoin: t("e2e.beforeJoin"),
      badHandshake: t("e2e.badHandshake"),
      badWelcome: t("e2e.badWelcome"),
      waiting: t("e2e.waiting"),
    })
    : room.list.value;
  // A commit waiting in the outbox is key handling, not a message.
  const outbox = client.outbox.entries.value.filter((entry) =>
    entry.room === roomId && entry.e2e?.kind !== "commit"
  );
  const groups = groupMessages(messages, outbox, client.user);
  const loaded = room.loaded.value;
  const hasMore = room.hasMore.value;
  const loading = room.loadingOlder.value || room.loadingLatest.value;
  const error = room.error.value;
  // Read state: the "new messages" divider and the read receipt.
  const dividerAfter = room.dividerAfter.value;
  const firstUnread = dividerAfter === undefined
    ? undefined
    : messages.find((m) => m.seq > dividerAfter && countsAsUnread(m, client.user.id))?.seq;
  const receipt = receiptView(messages, room.readers.value, client.user.id);
  const [dividerAbove, setDividerAbove] = useState(false);

  const scroller = useRef<HTMLDivElement>(null);
  const snapshot = useRef<Snapshot>({
    first: undefined,
    last: undefined,
    height: 0,
    top: 0,
    atBottom: true,
  });
  const [newBelow, setNewBelow] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  // Newest seq already on screen when the history loaded or last announced: only messages
  // after it are read out, so opening a room does not read its whole history.
  const seenSeq = useRef<number | null>(null);
  const firstKey = groups[0]?.messages[0]?.key;
  const lastGroup = groups.at(-1);
  const lastKey = lastGroup?.messages.at(-1)?.key;
  const latestOwn = messages.findLast((message) => message.from === client.user.id)?.seq;

  const newestSeq = messages.at(-1)?.seq ?? 0;
  useLayoutEffect(() => {
    if (!loaded) return;
    if (seenSeq.current === null) {
      seenSeq.current = newestSeq;
      return;
    }
    const arrived = arrivalsAfter(messages, seenSeq.current, client.user.id);
    seenSeq.current = Math.max(seenSeq.current, newestSeq);
    if (arrived.length === 0) return;
    setAnnouncement(
      arrived.map((message) =>
        message.from === SYSTEM_SENDER ? message.text : t("messages.announce", {
          author: authorOf?.(message.from, message.author).name ?? message.author,
          text: message.text,
        })
      ).join("\n"),
    );
  }, [loaded, newestSeq]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = snapshot.current;
    if (before.first !== undefined && firstKey !== before.first && lastKey === before.last) {
      element.scrollTop = before.top + (element.scrollHeight - before.height);
    } else if (lastKey !== before.last) {
      if (before.atBottom || lastGroup?.own) element.scrollTop = element.scrollHeight;
      else setNewBelow(true);
    }
    snapshot.current = {
      first: firstKey,
      last: lastKey,
      height: element.scrollHeight,
      top: element.scrollTop,
      atBottom: isAtBottom(element),
    };
    if (loaded && hasMore && !loading && element.scrollHeight <= element.clientHeight) {
      client.loadOlder(roomId);
    }
    checkDivider();
  });

  /** Shows "Jump to first unread" while the divider is above the visible part. */
  const checkDivider = () => {
    const element = scroller.current;
    const divider = element?.querySelector(".unread-divider");
    const above = !!element && !!divider &&
      divider.getBoundingClientRect().bottom < element.getBoundingClientRect().top;
    if (above !== dividerAbove) setDividerAbove(above);
  };

  const toFirstUnread = () => {
    scroller.current?.querySelector(".unread-divider")?.scrollIntoView({ block: "center" });
    setDividerAbove(false);
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // A shorter pane (an on-screen keyboard, a rotated phone) keeps the newest message in
    // view when it was in view before.
    const observer = new ResizeObserver(() => {
      if (snapshot.current.atBottom) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const highlighted = useJumpTo(client, roomId, actions, scroller);
  const view: MessageView = {
    client,
    roomId,
    actions,
    canModerate,
    emojiPicker,
    highlighted,
    isMember,
    nameOf: (id, username) => authorOf?.(id, username).name ?? username,
    firstUnread,
    receipt,
    direct,
    e2e,
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const atBottom = isAtBottom(element);
    snapshot.current = { ...snapshot.current, top: element.scrollTop, atBottom };
    if (atBottom && newBelow) setNewBelow(false);
    if (element.scrollTop < LOAD_OLDER_PX && hasMore) client.loadOlder(roomId);
    checkDivider();
  };

  const toBottom = () => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
    setNewBelow(false);
  };

  return (
    <div class="message-pane">
      {e2e?.status === "waiting" && (
        <p class="banner" role="status" data-testid="e2e-waiting">{t("e2e.waitingForKeys")}</p>
      )}
      {e2e?.status === "elsewhere" && (
        <p class="banner" role="status" data-testid="e2e-elsewhere">
          {t("e2e.elsewhere")}{" "}
          <button
            type="button"
            class="button small secondary"
            onClick={e2e.useHere}
            data-testid="e2e-use-here"
          >
            {t("e2e.useHere")}
          </button>
        </p>
      )}
      {
        /* Focusable so the keyboard can scroll it; a labelled region, not role="log", whose
          implicit live region would read every older page loaded above. */
      }
      <div
        class="message-scroller"
        ref={scroller}
        onScroll={onScroll}
        onKeyDown={onMessageKey}
        tabIndex={0}
        role="region"
        aria-label={t("messages.log", { room: roomName })}
        data-testid="message-scroller"
      >
        <div class="history-edge">
          {loading
            ? <span class="muted">{t("messages.loading")}</span>
            : !loaded
            ? <span class="muted">{t("messages.waiting")}</span>
            : hasMore
            ? (
              <button type="button" class="link-button" onClick={() => client.loadOlder(roomId)}>
                {t("messages.loadOlder")}
              </button>
            )
            : (
              <span data-testid="history-start" class="history-start">
                {t("messages.start")}
              </span>
            )}
        </div>
        {error !== null && <p class="error room-error" role="alert">{showText(t, error)}</p>}
        {loaded && groups.length === 0 && <p class="empty-state">{t("messages.empty")}</p>}
        <ol class="message-groups">
          {groups.map((group) => (
            <Group
              key={group.key}
              group={group}
              author={group.from === SYSTEM_SENDER
                ? { name: group.author }
                : authorOf?.(group.from, group.author) ?? { name: group.author }}
              view={view}
              latestOwn={latestOwn}
              onAuthor={onAuthor}
            />
          ))}
        </ol>
        {e2e?.verification?.state === "changed" && (
          <p class="e2e-number-changed" role="status" data-testid="e2e-number-changed">
            {t("e2e.numberChanged", { name: roomName })}
          </p>
        )}
        {e2e?.members?.some((member) => member.state === "changed") && (
          <p class="e2e-number-changed" role="status" data-testid="e2e-number-changed">
            {t("e2e.groupNumberChanged")}
          </p>
        )}
      </div>
      {firstUnread !== undefined && dividerAbove && (
        <button
          type="button"
          class="jump-unread"
          data-testid="jump-unread"
          onClick={toFirstUnread}
        >
          {t("unread.jump")}
        </button>
      )}
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
      {newBelow && (
        <button type="button" class="new-messages-pill" onClick={toBottom}>
          {t("messages.newBelow")}
        </button>
      )}
    </div>
  );
}

/** What every message of the list needs to show its actions. */
interface MessageView {
  client: ChatClient;
  roomId: string;
  actions: MessageActionsState | undefined;
  canModerate: boolean;
  emojiPicker: EmojiPickerComponent | undefined;
  /** Seq of the message just jumped to, highlighted for a moment. */
  highlighted: number | null;
  /** Whether a lower-cased username is a member of the room: its `@mention` is highlighted. */
  isMember: ((lowerName: string) => boolean) | undefined;
  nameOf: (id: string, username: string) => string;
  /** Seq of the first unread message, which the "new messages" divider goes before. */
  firstUnread: number | undefined;
  /** The room's read receipt, shown under the message it names. */
  receipt: ReceiptView | undefined;
  /** A direct conversation: the receipt says "Seen" rather than "Seen by N". */
  direct: boolean;
  /** An encrypted room as this device reads it (its actions and decrypted files). */
  e2e: E2eRoomView | undefined;
}

interface GroupProps {
  group: MessageGroup;
  /** The author's display name and avatar. */
  author: AuthorView;
  view: MessageView;
  /** Seq of the user's newest stored message, whose "sent" stays visible. */
  latestOwn: number | undefined;
  onAuthor?: (id: string, username: string) => void;
}

function Group({ group, author, view, latestOwn, onAuthor }: GroupProps) {
  const { t } = useI18n();
  const first = group.messages[0];
  if (group.from === SYSTEM_SENDER) {
    // Room events (joins, kicks, renames…): centred and muted, not shown as anyone's message,
    // in the reader's language when the message carries its event.
    return (
      <>
        {group.messages.map((message) => (
          <li key={message.key} class="system-message" data-testid="system-message">
            <span>{showText(t, systemMessageText(message))}</span> <Time at={message.at} />
          </li>
        ))}
      </>
    );
  }
  return (
    <li class={group.own ? "message-group own" : "message-group"}>
      <AuthorButton group={group} onAuthor={onAuthor} label={author.name} tabIndex={-1}>
        <Avatar id={group.from} name={author.name} url={author.avatarUrl} />
      </AuthorButton>
      <div class="group-body">
        <div class="group-header">
          <span class="author" title={group.author}>
            <AuthorButton group={group} onAuthor={onAuthor} label={author.name}>
              {author.name}
            </AuthorButton>
            {group.own && <span class="author-you">{t("messages.you")}</span>}
          </span>
          {first && <Time at={first.at} />}
        </div>
        <ul class="messages">
          {group.messages.map((message) => (
            <Fragment key={message.key}>
              {message.seq !== undefined && message.seq === view.firstUnread && (
                <li class="unread-divider" data-testid="unread-divider">
                  <span>{t("unread.divider")}</span>
                </li>
              )}
              <Message
                message={message}
                view={view}
                latest={message.seq !== undefined && message.seq === latestOwn}
              />
            </Fragment>
          ))}
        </ul>
      </div>
    </li>
  );
}

interface MessageProps {
  message: DisplayMessage;
  view: MessageView;
  latest: boolean;
}

function Message({ message, view, latest }: MessageProps) {
  const { t } = useI18n();
  const { client } = view;
  const { status, clientId } = message;
  // The read receipt, when it sits under this message.
  const receipt = view.receipt && view.receipt.seq === message.seq ? view.receipt : undefined;
  const base = (status ? `message own ${status}${latest ? " latest" : ""}` : "message") +
    (message.mentionsMe ? " mentions-me" : "");
  return (
    <li
      class={message.seq !== undefined && message.seq === view.highlighted
        ? `${base} highlighted`
        : base}
      data-testid="message"
      data-seq={message.seq}
      data-status={status}
      tabIndex={message.seq === undefined ? undefined : -1}
    >
      {view.actions
        ? (
          <MessageBody
            message={message}
            client={client}
            roomId={view.roomId}
            actions={view.actions}
            canModerate={view.canModerate}
            nameOf={view.nameOf}
            emojiPicker={view.emojiPicker}
            isMember={view.isMember}
            e2e={view.e2e}
          />
        )
        : (
          <>
            {(message.text !== "" || !message.attachments) && (
              <MessageText
                text={message.text}
                self={client.user.name.toLowerCase()}
                mentionsMe={message.mentionsMe}
                isMember={view.isMember}
              />
            )}
            {message.attachments && (
              <AttachmentList
                room={view.roomId}
                seq={message.seq}
                attachments={message.attachments}
                mine={message.stored ? message.stored.from === client.user.id : true}
                sources={view.e2e?.files}
              />
            )}
          </>
        )}
      <div class="message-meta">
        <Time at={message.at} />
        {status && !receipt && <span class="delivery">{t(`delivery.${status}`)}</span>}
        {status === "failed" && clientId !== undefined && (
          <>
            {message.error && (
              <span class="error">
                {message.error === LOST_UPLOAD || message.error === KEYS_NEVER_CAME
                  ? t(message.error)
                  : message.error}
              </span>
            )}
            <button type="button" class="link-button" onClick={() => client.retry(clientId)}>
              {t("messages.retry")}
            </button>
            <button type="button" class="link-button" onClick={() => client.discard(clientId)}>
              {t("messages.discard")}
            </button>
          </>
        )}
      </div>
      {receipt && (
        // A line of its own under the whole message: text, files and reactions above it.
        <div class="message-receipt">
          <SeenReceipt receipt={receipt} direct={view.direct} />
        </div>
      )}
    </li>
  );
}

function Time({ at }: { at: number }) {
  const { locale } = useI18n();
  return (
    <time class="time" dateTime={new Date(at).toISOString()} title={formatFullDate(at, locale)}>
      {formatTime(at, locale)}
    </time>
  );
}

function isAtBottom(element: HTMLElement): boolean {
  return element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
}
