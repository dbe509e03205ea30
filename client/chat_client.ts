import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type {
  Conversation,
  FriendView,
  PresenceView,
  PublicUser,
  UserEvent,
} from "../lib/common/api_types.ts";
import {
  type ChatMessage,
  type ClientFrame,
  CLOSE_SERVICE_RESTART,
  CLOSE_SESSION_ENDED,
  countChars,
  isActionEntry,
  MAX_TEXT_CHARS,
  type MessageVersion,
  PROTOCOL_VERSION,
  type ServerFrame,
  TYPING_INTERVAL_MS,
} from "../lib/common/protocol.ts";
import { NOTHING_UNREAD } from "../lib/common/unread.ts";
import { replyPreviewOf } from "../lib/common/message_gist.ts";
import { TypingState } from "./typing_state.ts";
import { type ActionRequest, ActionSender } from "./action_sender.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import {
  browserStorage,
  type ChatClientOptions,
  type Clock,
  type EventSourceLike,
  type SocketLike,
  systemClock,
  type TimerId,
} from "./chat_client_options.ts";
import { newClientId } from "./new_client_id.ts";
import { Outbox } from "./outbox.ts";
import { OutboxSender } from "./outbox_sender.ts";
import type { Attachment } from "../lib/common/attachments.ts";
import { PresenceState } from "./presence_state.ts";

/** A frame of the calls of this user. */
export type CallFrame =
  | Extract<ServerFrame, { type: "call" | "call_signal" | "room_call" }>
  | Frame<"error"> & { request: `call_${string}` };
import { RoomState } from "./room_state.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";

/** State of the connection, as the status indicator shows it. */
export type ConnectionStatus =
  | { state: "connecting" }
  | { state: "online" }
  | { state: "offline" }
  | { state: "reconnecting"; retryAt: number; attempt: number };

/** A message from someone else that arrived live (see {@linkcode ChatClient.onArrival}). */
export interface Arrival {
  message: ChatMessage;
  /** This tab shows the message's room, visible and focused. */
  looking: boolean;
}

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;
type HistoryRequest = { room: string; epoch: number; older: boolean };

const OPEN = 1;
const SILENCE_HEARTBEATS = 2.5;
/**
 * Reads are sent at most this often: reading a busy room sends one `read` a second, not one
 * per message.
 */
export const READ_FLUSH_MS = 1000;

/**
 * The browser side of the chat connection, and the only code that touches the WebSocket.
 * Islands read its signals and call its methods.
 *
 * It reconnects with jittered exponential backoff (at once when the server closes with 1012,
 * restarting), resumes every open room after the highest
 * contiguous seq it holds, answers heartbeats, treats 2.5 heartbeats of silence as a dead
 * server, and keeps unacknowledged messages in a persisted {@linkcode Outbox} that it resends
 * with the same `clientId` until acknowledged or discarded.
 *
 * Create it inside a component (never at module level: server module state is shared by every
 * request) and call {@linkcode ChatClient.connect} from an effect, so rendering never opens a
 * socket.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ user: { id: "u1", name: "ada" } });
 * client.openRoom("general");
 * client.connect();
 * client.send("general", "hello");
 * ```
 */
export class ChatClient {
  /** The signed-in user. */
  readonly user: PublicUser;
  /** Own messages not acknowledged yet. */
  readonly outbox: Outbox;
  /**
   * The last `welcome` (none before the first): its marks date the user's lists as its connect
   * read them (`levels`: the notification levels; `lists`: the conversation and friend lists),
   * and a page holding an older list reads it again.
   */
  welcome: Frame<"welcome"> | undefined;
  readonly #status = signal<ConnectionStatus>({ state: "connecting" });
  readonly #lastError = signal<ShownText | null>(null);
  readonly #active = signal<string | null>(null);
  readonly #revocations = signal(0);
  readonly #sessionEnded = signal(false);
  #away = false;
  readonly #presence = new PresenceState();
  readonly #rooms = new Map<string, RoomState>();
  readonly #userListeners = new Set<(event: UserEvent) => void>();
  readonly #callListeners = new Set<(frame: CallFrame) => void>();
  #socketId = "";
  readonly #arrivalListeners = new Set<(arrival: Arrival) => void>();
  readonly #open = new Set<string>();
  readonly #history = new Map<string, HistoryRequest>();
  readonly #sender: OutboxSender;
  readonly #actions = new ActionSender((frame) => this.#sendFrame(frame));
  readonly #versionRequests = new Map<string, (versions: MessageVersion[]) => void>();
  readonly #options: ChatClientOptions;
  readonly #clock: Clock;
  #events: EventSourceLike | null = null;
  #socket: SocketLike | null = null;
  #started = false;
  #attempt = 0;
  #heartbeatMs = 0;
  #refs = 0;
  #retryTimer: TimerId | undefined;
  #silenceTimer: TimerId | undefined;
  /** The page is visible and focused: the active room is being read. */
  #attentive = true;
  /** Rooms whose marker moved here and was not sent yet. */
  readonly #unsentReads = new Set<string>();
  #readTimer: TimerId | undefined;
  /** The markers the server told (`read` frames), by room. */
  readonly #confirmedReads = new Map<string, number>();
  readonly #typing = new Map<string, TypingState>();
  /** When this tab last sent `typing` in each room; absent once it sent a stop. */
  readonly #typingSentAt = new Map<string, number>();

  /** @param options The user, and fakes for tests; see {@linkcode ChatClientOptions}. */
  constructor(options: ChatClientOptions) {
    this.#options = options;
    this.user = options.user;
    this.#clock = options.clock ?? systemClock;
    const storage = options.storage === undefined ? browserStorage : options.storage;
    this.outbox = new Outbox(storage, options.user.id);
    this.#sender = new OutboxSender({
      outbox: this.outbox,
      clock: this.#clock,
      send: (frame) => this.#sendFrame(frame),
      ready: (room) =>
        this.#status.value.state === "online" &&
        (!this.#open.has(room) || this.#rooms.get(room)?.subscribed.value === true),
    });
  }

  /** Connection state. */
  get status(): ReadonlySignal<ConnectionStatus> {
    return this.#status;
  }

  /** The last error not tied to a room or a message, for a banner. */
  get lastError(): ReadonlySignal<ShownText | null> {
    return this.#lastError;
  }

  /**
   * Counts the times the server ended a subscription on its own (the user left the room in
   * another tab): a cue to refresh the room lists.
   */
  get revocations(): ReadonlySignal<number> {
    return this.#revocations;
  }

  /**
   * True once the server closed the socket because the session ended (a logout in another
   * tab, an expiry): the client stopped for good; the page should go to the login page.
   */
  get sessionEnded(): ReadonlySignal<boolean> {
    return this.#sessionEnded;
  }

  /**
   * Whether a friend is online, from the friend list given to
   * {@linkcode ChatClient.setFriends} and live `presence` notices since. A signal read: a
   * component calling it re-renders when the friend comes or goes.
   */
  isOnline(userId: string): boolean {
    return this.#presence.isOnline(userId);
  }

  /** A friend's presence (online, away, offline with "last seen"); a signal read. */
  presenceOf(userId: string): PresenceView {
    return this.#presence.presenceOf(userId);
  }

  /**
   * Says whether this tab is away (hidden or idle); sent when it changes, and again after a
   * reconnect (a new socket starts active).
   */
  setAway(away: boolean): void {
    if (this.#away === away) return;
    this.#away = away;
    if (this.#status.value.state === "online") this.#sendFrame({ type: "presence", away });
  }

  /** Takes the online flags of a freshly read friend list; users not in it count as offline. */
  setFriends(friends: readonly FriendView[]): void {
    this.#presence.replace(friends);
  }

  /**
   * Calls `listener` with every `call` and `call_signal` frame (calls of this user), and every
   * `room_call` frame (group calls of the rooms this tab is subscribed to). A
   * reconnect is not replayed: the call layer rejoins its call on the next `welcome`.
   *
   * @returns A function that removes the listener.
   */
  onCallFrame(listener: (frame: CallFrame) => void): () => void {
    this.#callListeners.add(listener);
    return () => this.#callListeners.delete(listener);
  }

  /** Sends a call frame now; false when the socket is not open (calls are not queued). */
  sendCall(frame: Extract<ClientFrame, { type: `call_${string}` }>): boolean {
    return this.#sendFrame(frame);
  }

  /** Id of the socket now open (from `welcome`), which a call names; "" before the first. */
  get socketId(): string {
    return this.#socketId;
  }

  /**
   * Calls `listener` with every live notice for the user (`user_event` frames).
   *
   * @returns A function that removes the listener.
   */
  onUserEvent(listener: (event: UserEvent) => void): () => void {
    this.#userListeners.add(listener);
    return () => this.#userListeners.delete(listener);
  }

  /**
   * Calls `listener` with each message from someone else that arrives live (not a system
   * message or action entry), saying whether this tab is showing its room to the user
   * (the notifier's input). Returns a function that stops it.
   */
  onArrival(listener: (arrival: Arrival) => void): () => void {
    this.#arrivalListeners.add(listener);
    return () => this.#arrivalListeners.delete(listener);
  }

  /** The state of a room, created empty on first use. */
  room(id: string): RoomState {
    let room = this.#rooms.get(id);
    if (!room) this.#rooms.set(id, room = new RoomState(id, this.user.id));
    return room;
  }

  /** Who is typing in a room (id and username), expiring on its own. */
  typersOf(id: string): ReadonlySignal<readonly PublicUser[]> {
    return this.#typingIn(id).typists;
  }

  /**
   * Takes the read state of conversations from the conversation list: the markers (never
   * moved back) and the counts to show until a room's messages are loaded.
   */
  takeReadStates(conversations: readonly Conversation[]): void {
    batch(() => {
      for (const { room: { id }, read } of conversations) {
        if (!read) continue;
        const room = this.room(id);
        room.markRead(read.seq);
        const confirmed = this.#confirmedReads.get(id) ?? 0;
        this.#confirmedReads.set(id, Math.max(confirmed, read.seq));
        room.counted.value = read;
      }
    });
  }

  /**
   * Whether the page is visible and focused: only then is the active room read (its marker
   * moves, its badge clears, and other tabs and devices are told).
   */
  setAttentive(attentive: boolean): void {
    this.#attentive = attentive;
    this.#readActive();
  }

  /**
   * The user typed in a room's composer: tells the room at most every
   * {@linkcode TYPING_INTERVAL_MS}, and says "stopped" once the text is emptied.
   */
  composing(id: string, text: string): void {
    const sentAt = this.#typingSentAt.get(id);
    if (text.trim() === "") {
      if (sentAt === undefined) return;
      this.#typingSentAt.delete(id);
      this.#sendFrame({ type: "typing", room: id, stop: true });
      return;
    }
    const now = this.#clock.now();
    if (sentAt !== undefined && now - sentAt < TYPING_INTERVAL_MS) return;
    if (this.#sendFrame({ type: "typing", room: id })) this.#typingSentAt.set(id, now);
  }

  /**
   * Shows messages kept from an earlier visit (the offline copy) in a room that has loaded
   * nothing yet, as if they were its newest page: once connected, the room resumes after them
   * like after a reconnect, so edits and deletes made since arrive as usual.
   */
  restore(id: string, messages: readonly ChatMessage[]): void {
    const room = this.room(id);
    if (room.loaded.peek() || room.loadingLatest.peek() || messages.length === 0) return;
    room.applyPage(messages, true, false);
  }

  /** Starts following a room: subscribes now if online, and after every reconnect. */
  openRoom(id: string): void {
    if (this.#open.has(id)) return;
    this.#open.add(id);
    if (this.#status.value.state === "online") this.#subscribe(this.room(id));
  }

  /** Stops following a room (after leaving it) and forgets its messages. */
  closeRoom(id: string): void {
    if (!this.#open.delete(id)) return;
    if (this.#rooms.get(id)?.subscribed.value) this.#sendFrame({ type: "unsubscribe", room: id });
    this.#rooms.delete(id);
  }

  /**
   * Marks the room the user is looking at: while the page is attentive it is read. Sets the
   * room's "new messages" divider at its marker when something was unread, and asks for its
   * read receipts.
   */
  setActiveRoom(id: string | null): void {
    this.#active.value = id;
    if (id === null) return;
    const room = this.room(id);
    room.dividerAfter.value = room.unread.peek() > 0 ? room.readSeq.peek() : undefined;
    this.#sendFrame({ type: "receipts", room: id });
    this.#readActive();
  }

  /** Opens the connection and keeps it open until {@linkcode ChatClient.close}. */
  connect(): void {
    if (this.#started) return;
    this.#started = true;
    this.outbox.load();
    this.#events = this.#options.events ?? globalThis;
    this.#events.addEventListener("online", this.#reconnectNow);
    this.#events.addEventListener("offline", this.#wentOffline);
    this.#openSocket();
  }

  /** Closes the connection for good and stops reconnecting. */
  close(): void {
    this.#started = false;
    this.#events?.removeEventListener("online", this.#reconnectNow);
    this.#events?.removeEventListener("offline", this.#wentOffline);
    this.#clock.clearTimeout(this.#retryTimer);
    this.#clock.clearTimeout(this.#readTimer);
    this.#drop();
    this.#status.value = { state: "offline" };
  }

  /** Skips the remaining backoff delay and connects now, when not connected. */
  reconnectNow(): void {
    this.#reconnectNow();
  }

  /**
   * Queues a message for a room and sends it as soon as the room is subscribed.
   *
   * @param replyTo The seq of the message this one replies to, in the same room.
   * @param attachments Uploaded files; the text is then a caption and may be empty.
   * @param held `"keys"` for an encrypted room's text typed before this device has the room's
   *   keys: shown as waiting for keys and never sent as it is; the E2E chunk encrypts it once it
   *   can and releases it under the same `clientId` (`client/e2e/held_for_keys.ts`).
   * @returns `null` when queued, or why the text cannot be sent (empty or too long).
   */
  send(
    room: string,
    text: string,
    replyTo?: number,
    attachments?: Attachment[],
    held?: "keys",
  ): ShownText | null {
    const problem = sendProblem(text, attachments);
    if (problem) return problem;
    const clientId = (this.#options.newId ?? newClientId)();
    this.outbox.add({
      clientId,
      room,
      text: attachments?.length && text.trim() === "" ? "" : text,
      createdAt: this.#clock.now(),
      status: "pending",
      ...(replyTo !== undefined ? { replyTo } : {}),
      attachments,
      held,
    });
    this.#sender.flush(room);
    // The message itself clears the notice for the others.
    this.#typingSentAt.delete(room);
    return null;
  }

  /**
   * Queues a message of files that are still uploading (a recording, maybe made offline): it
   * shows at once as pending, waits in the outbox until `upload` gives the stored files, then
   * is sent like any other; when the upload fails it is marked failed with the reason.
   *
   * @param drafts The files as the timeline shows them meanwhile.
   */
  sendUploading(room: string, drafts: Attachment[], upload: Promise<Attachment[]>): void {
    const clientId = (this.#options.newId ?? newClientId)();
    this.outbox.add({
      clientId,
      room,
      text: "",
      createdAt: this.#clock.now(),
      status: "pending",
      attachments: drafts,
      held: "upload",
    });
    upload.then(
      (attachments) => this.outbox.release(clientId, { attachments }),
      (error) => {
        // Failed for good (a refused file): no longer waiting, so a later entry may go.
        this.outbox.release(clientId, { attachments: drafts });
        this.outbox.update(clientId, "failed", String(error?.message ?? error));
      },
    ).finally(() => this.#sender.flush(room));
  }

  /**
   * Replaces the text of one of the user's messages; the change shows once the server
   * announces it.
   *
   * @returns `null` when sent, or why the text cannot be used.
   */
  edit(room: string, target: number, text: string): ShownText | null {
    const problem = textProblem(text);
    if (problem) return problem;
    this.sendAction({ type: "edit", room, target, text });
    return null;
  }

  /**
   * Sends an edit, a delete or a reaction with a fresh `clientId`, kept and retried until
   * answered. An encrypted room's edit or reaction comes this way from the E2E chunk, with its
   * MLS message as `e2e`.
   */
  sendAction(frame: ActionWithoutId): void {
    this.#actions.submit({ ...frame, clientId: this.#newId() } as ActionRequest);
  }

  /** Deletes a message (the user's own, or any as the room's owner or an admin). */
  deleteMessage(room: string, target: number): void {
    this.sendAction({ type: "delete", room, target });
  }

  /** Adds (`on`) or removes the user's reaction with `emoji` on a message. */
  react(room: string, target: number, emoji: string, on: boolean): void {
    this.sendAction({ type: "react", room, target, emoji, on });
  }

  /** The earlier versions of an edited message, oldest first; rejects when offline. */
  versions(room: string, target: number): Promise<MessageVersion[]> {
    const ref = `v${++this.#refs}`;
    return new Promise((resolve, reject) => {
      if (!this.#sendFrame({ type: "versions", room, target, ref })) {
        return reject(new Error("offline"));
      }
      this.#versionRequests.set(ref, resolve);
    });
  }

  #newId(): string {
    return (this.#options.newId ?? newClientId)();
  }

  /** Sends a failed message again, with its original `clientId`. */
  retry(clientId: string): void {
    this.#sender.retry(clientId);
  }

  /** Drops a message from the outbox at the user's request. */
  discard(clientId: string): void {
    this.#sender.discard(clientId);
  }

  /**
   * Asks for the page of history before the lowest seq held (or the newest page when the room
   * has not loaded yet). Does nothing while a load is in flight or when offline.
   *
   * @returns Whether a request was sent.
   */
  loadOlder(id: string): boolean {
    const room = this.#rooms.get(id);
    if (!room || room.loadingOlder.value || room.loadingLatest.value) return false;
    if (!room.loaded.value) return this.#requestHistory(room, false);
    return room.hasMore.value && this.#requestHistory(room, true);
  }

  #reconnectNow = (): void => {
    if (!this.#started || this.#socket !== null) return;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#openSocket();
  };

  #openSocket(): void {
    this.#retryTimer = undefined;
    this.#status.value = { state: "connecting" };
    const Socket = this.#options.WebSocket ?? WebSocket;
    let socket: SocketLike;
    try {
      socket = new Socket(this.#options.url ?? defaultUrl());
    } catch (error) {
      this.#lastError.value = error instanceof Error ? error.message : String(error);
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    this.#heartbeatMs = 0;
    socket.onmessage = (event) => {
      // With batch=1 a frame may hold several frames, one per line (docs/PROTOCOL.md).
      // A listener that throws on one line is reported and the lines after it are still read,
      // as they would be were each its own frame.
      if (this.#socket !== socket) return;
      for (const line of String(event.data).split("\n")) {
        try {
          this.#receive(line);
        } catch (error) {
          reportError(error);
        }
      }
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      // A restarting server has stored everything it acked: come back now, not after a delay.
      if (event?.code === CLOSE_SERVICE_RESTART) return this.#restarted();
      if (event?.code !== CLOSE_SESSION_ENDED) return this.#lost();
      this.close();
      this.#sessionEnded.value = true;
    };
    this.#armSilence();
  }

  /**
   * The browser says the network is gone: a socket may still look open for a minute (until
   * the heartbeat notices), so drop it now, show offline, and reconnect on `online`.
   */
  #wentOffline = (): void => {
    if (this.#started && this.#socket) this.#lost();
  };

  #lost(): void {
    this.#drop();
    this.#scheduleReconnect();
  }

  /**
   * The server closed with 1012 (restarting): reconnect at once. Should that attempt fail (the
   * new process is not listening yet), the usual backoff takes over from its first, shortest
   * delay, since the last welcome reset the attempts.
   */
  #restarted(): void {
    this.#drop();
    this.#openSocket();
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#clock.clearTimeout(this.#silenceTimer);
    this.#sender.reset();
    this.#history.clear();
    this.#typingSentAt.clear();
    for (const typing of this.#typing.values()) typing.clear();
    batch(() => {
      for (const room of this.#rooms.values()) {
        room.subscribed.value = false;
        room.loadingLatest.value = false;
        room.loadingOlder.value = false;
      }
    });
    if (!socket) return;
    socket.onmessage = socket.onclose = null;
    try {
      socket.close();
    } catch {
      // Already closed.
    }
  }

  #scheduleReconnect(): void {
    const online = this.#options.isOnline?.() ?? globalThis.navigator?.onLine ?? true;
    if (!this.#started || !online) {
      this.#status.value = { state: "offline" };
      return;
    }
    const delay = backoffDelay(
      this.#attempt++,
      this.#options.random ?? Math.random,
      this.#options.backoff ?? DEFAULT_BACKOFF,
    );
    const retryAt = this.#clock.now() + delay;
    this.#status.value = { state: "reconnecting", retryAt, attempt: this.#attempt };
    this.#retryTimer = this.#clock.setTimeout(() => this.#openSocket(), delay);
  }

  #armSilence(): void {
    this.#clock.clearTimeout(this.#silenceTimer);
    const ms = this.#heartbeatMs > 0
      ? this.#heartbeatMs * SILENCE_HEARTBEATS
      : this.#options.connectTimeoutMs ?? 10_000;
    this.#silenceTimer = this.#clock.setTimeout(() => this.#lost(), ms);
  }

  #sendFrame(frame: ClientFrame): boolean {
    if (this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** One JSON frame (a line of a batch); anything that does not parse is ignored. */
  #receive(data: string): void {
    this.#armSilence();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    switch (frame.type) {
      case "welcome":
        return this.#onWelcome(frame);
      case "ping":
        return void this.#sendFrame({ type: "pong" });
      case "subscribed":
        return this.#onSubscribed(frame);
      case "unsubscribed":
        return this.#onUnsubscribed(frame);
      case "message":
        return this.#onMessage(frame);
      case "history":
        return this.#onHistory(frame);
      case "ack":
        return this.#onAck(frame);
      case "versions": {
        const resolve = frame.ref === undefined ? undefined : this.#versionRequests.get(frame.ref);
        this.#versionRequests.delete(frame.ref ?? "");
        return resolve?.(frame.versions);
      }
      case "error":
        if (frame.request?.startsWith("call_")) {
          for (const listener of this.#callListeners) listener(frame as CallFrame);
          return;
        }
        return this.#onError(frame);
      case "read":
        this.#confirmedReads.set(frame.room, frame.seq);
        return this.#rooms.get(frame.room)?.markRead(frame.seq);
      case "typing":
        if (frame.stop) return this.#typingIn(frame.room).stopped(frame.user.id);
        return this.#typingIn(frame.room).started(frame.user.id, frame.user.name);
      case "receipts": {
        const room = this.#rooms.get(frame.room);
        if (room) room.readers.value = new Map(frame.readers.map((reader) => [reader.id, reader]));
        return;
      }
      case "receipt":
        return this.#rooms.get(frame.room)?.readerMoved(frame.reader);
      case "call":
      case "call_signal":
      case "room_call":
        for (const listener of this.#callListeners) listener(frame);
        return;
      case "user_event":
        if (frame.event.kind === "presence") {
          this.#presence.set(frame.event.user, frame.event.online, frame.event.presence);
        }
        for (const listener of this.#userListeners) listener(frame.event);
        return;
    }
  }

  #onWelcome(frame: Frame<"welcome">): void {
    this.#attempt = 0;
    this.#socketId = frame.socket;
    this.#heartbeatMs = frame.heartbeatMs;
    this.welcome = frame;
    this.#armSilence();
    this.#status.value = { state: "online" };
    if (this.#away) this.#sendFrame({ type: "presence", away: true });
    if (frame.v !== PROTOCOL_VERSION) {
      this.#lastError.value = { key: "error.serverUpdated" };
    }
    for (const id of this.#open) this.#subscribe(this.room(id));
    const active = this.#active.peek();
    if (active !== null) this.#sendFrame({ type: "receipts", room: active });
    // Reads made while offline go now.
    for (const [id, room] of this.#rooms) {
      const seq = room.readSeq.peek();
      if (seq !== undefined && seq > (this.#confirmedReads.get(id) ?? 0)) this.#unsentReads.add(id);
    }
    this.#flushReads();
    // What another tab of this user left unsent (closed before it was back online) goes too.
    this.outbox.load();
    const elsewhere = new Set(this.outbox.entries.value.map((entry) => entry.room));
    for (const id of elsewhere) if (!this.#open.has(id)) this.#sender.flush(id);
  }

  #subscribe(room: RoomState): void {
    room.subscribed.value = false;
    const after = room.resumeAfter();
    const frame: ClientFrame = { type: "subscribe", room: room.id };
    if (after !== undefined) frame.after = after;
    this.#sendFrame(frame);
    if (!room.loaded.value && !room.loadingLatest.value) this.#requestHistory(room, false);
  }

  #onSubscribed(frame: Frame<"subscribed">): void {
    const room = this.#rooms.get(frame.room);
    if (!room || !this.#open.has(frame.room)) return;
    batch(() => {
      room.subscribed.value = true;
      room.error.value = null;
      if (frame.reset) room.reset();
    });
    if (frame.reset) this.#requestHistory(room, false);
    this.#sender.flush(room.id);
    this.#actions.resend(room.id);
  }

  #onUnsubscribed(frame: Frame<"unsubscribed">): void {
    const room = this.#rooms.get(frame.room);
    if (!room || !this.#open.has(frame.room)) return;
    room.subscribed.value = false;
    room.error.value = { key: "error.notMember" };
    this.#revocations.value++;
  }

  #requestHistory(room: RoomState, older: boolean): boolean {
    const ref = `h${++this.#refs}`;
    const frame: ClientFrame = { type: "history", ref, room: room.id };
    if (older) {
      frame.before = room.lowestSeq();
      if (frame.before === undefined) return false;
    }
    if (!this.#sendFrame(frame)) return false;
    this.#history.set(ref, { room: room.id, epoch: room.epoch, older });
    (older ? room.loadingOlder : room.loadingLatest).value = true;
    return true;
  }

  #onHistory(frame: Frame<"history">): void {
    const request = this.#takeHistoryRequest(frame.ref);
    const room = request && this.#rooms.get(request.room);
    if (!request || !room || room.epoch !== request.epoch) return;
    room.applyPage(frame.messages, frame.hasMore, request.older);
    // The shown room is read (and the read sent) before a marker is assumed for it.
    if (room.id === this.#active.peek()) this.#readActive();
    room.settleMarker();
  }

  #takeHistoryRequest(ref: string | undefined): HistoryRequest | undefined {
    const request = ref === undefined ? undefined : this.#history.get(ref);
    if (request) this.#history.delete(ref!);
    return request;
  }

  #onMessage({ type: _, ...message }: Frame<"message">): void {
    const room = this.#rooms.get(message.room);
    if (!room || room.insert([message]) === 0) return;
    if (!isActionEntry(message)) this.#typing.get(room.id)?.stopped(message.from);
    // Joins, leaves and renames are shown in the room but are not news worth a badge.
    // Action entries (edits, deletes, reactions) are never shown and never unread.
    if (isActionEntry(message)) return;
    const fromOthers = message.from !== this.user.id && message.kind !== "system";
    if (!fromOthers) return;
    const looking = this.#active.peek() === room.id && this.#attentive;
    for (const listener of this.#arrivalListeners) listener({ message, looking });
    if (looking) return this.#readActive();
    // Without a known marker the count cannot be derived: count what arrives.
    if (room.readSeq.peek() === undefined) {
      const counted = room.counted.peek();
      room.counted.value = { ...counted, unread: counted.unread + 1 };
    }
  }

  /** Reads the active room up to its newest message, when the page is attentive. */
  #readActive(): void {
    const id = this.#active.peek();
    if (id === null || !this.#attentive) return;
    const room = this.#rooms.get(id);
    if (!room) return;
    const newest = room.list.peek().at(-1)?.seq;
    // Read once loaded (the page's answer calls this again); no badge until then.
    if (newest === undefined || !room.loaded.peek()) {
      return void (room.counted.value = NOTHING_UNREAD);
    }
    const before = room.readSeq.peek();
    if (before !== undefined && newest <= before) return;
    batch(() => {
      room.markRead(newest);
      room.counted.value = NOTHING_UNREAD;
    });
    this.#unsentReads.add(id);
    this.#readTimer ??= this.#clock.setTimeout(() => {
      this.#readTimer = undefined;
      this.#flushReads();
    }, READ_FLUSH_MS);
  }

  /** Sends the markers that moved here and were not sent (kept for the next connection). */
  #flushReads(): void {
    for (const id of [...this.#unsentReads]) {
      const seq = this.#rooms.get(id)?.readSeq.peek();
      if (seq === undefined) {
        this.#unsentReads.delete(id);
        continue;
      }
      if (!this.#sendFrame({ type: "read", room: id, seq })) return;
      this.#unsentReads.delete(id);
    }
  }

  #typingIn(id: string): TypingState {
    let typing = this.#typing.get(id);
    if (!typing) this.#typing.set(id, typing = new TypingState(this.#clock));
    return typing;
  }

  #onAck(frame: Frame<"ack">): void {
    if (this.#actions.acked(frame.clientId)) return;
    const entry = this.#sender.acked(frame.clientId);
    const room = this.#rooms.get(frame.room);
    if (!entry || !room) return;
    const { id, seq, at } = frame;
    // The quote as the server made it: the original's author and first characters.
    const original = entry.replyTo === undefined
      ? undefined
      : room.messages.value.get(entry.replyTo);
    room.insert([{
      room: room.id,
      seq,
      id,
      at,
      from: this.user.id,
      author: this.user.name,
      // An encrypted message is stored as its payload; the E2E chunk shows its text.
      ...(entry.e2e ? { text: "", e2e: entry.e2e } : { text: entry.text }),
      ...(entry.attachments ? { attachments: entry.attachments } : {}),
      ...(original
        ? {
          replyTo: replyPreviewOf(original),
        }
        : {}),
    }]);
  }

  #onError(frame: Frame<"error">): void {
    if (frame.code === "version_mismatch") {
      // Reconnecting would only be refused again: this page's code is out of date.
      this.close();
      this.#lastError.value = { key: "error.serverUpdated" };
      return;
    }
    const action = this.#actions.rejected(frame);
    if (action) {
      const room = this.#rooms.get(action.room);
      if (room && frame.code !== "rate_limited" && frame.code !== "internal") {
        room.error.value = { key: `actions.refused.${actionRefusal(frame.code)}` };
      }
      return;
    }
    if (this.#sender.rejected(frame)) return;
    const request = this.#takeHistoryRequest(frame.ref);
    const room = this.#rooms.get(request?.room ?? frame.room ?? "");
    if (room && request?.epoch === room.epoch) {
      (request.older ? room.loadingOlder : room.loadingLatest).value = false;
    }
    if (room) room.error.value = frame.message;
    else this.#lastError.value = frame.message;
  }
}

/** An action frame before its `clientId` is given. */
type ActionWithoutId = ActionRequest extends infer Frame
  ? Frame extends ActionRequest ? Omit<Frame, "clientId"> : never
  : never;

/** Why a message of `text` (a caption, with `attachments`) cannot be sent, or null. */
export function sendProblem(text: string, attachments?: readonly unknown[]): ShownText | null {
  return attachments?.length ? captionProblem(text) : textProblem(text);
}

/** Why a text cannot be sent or saved, or null. */
export function textProblem(text: string): ShownText | null {
  if (text.trim() === "") return { key: "composer.empty" };
  return captionProblem(text);
}

/** Why a caption (text that may be empty, sent with files) cannot be sent, or `null`. */
function captionProblem(text: string): ShownText | null {
  const length = countChars(text);
  if (length > MAX_TEXT_CHARS) {
    return { key: "composer.tooLong", params: { length, max: MAX_TEXT_CHARS } };
  }
  return null;
}

/** The catalogue suffix of a refused action's error code. */
function actionRefusal(code: string): "notAllowed" | "gone" | "tooMany" | "other" {
  if (code === "not_allowed") return "notAllowed";
  if (code === "no_such_message") return "gone";
  if (code === "too_many_edits" || code === "too_many_reactions") return "tooMany";
  return "other";
}

function defaultUrl(): string {
  // "http://host" → "ws://host", "https://host" → "wss://host"
  return `ws${location.origin.slice(4)}/ws?v=${PROTOCOL_VERSION}&batch=1`;
}
