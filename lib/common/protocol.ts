/**
 * Wire protocol v2: every frame that crosses the chat WebSocket, shared by the server and the
 * browser islands. This module must stay browser-compatible (no Deno APIs).
 *
 * Client frames are validated by {@linkcode parseClientFrame}; server frames are built by the
 * server from the {@linkcode ServerFrame} union and read by the browser client.
 * The full description lives in `docs/PROTOCOL.md`.
 *
 * @module
 */
import * as v from "valibot";
import type { UserEvent } from "./api_types.ts";

/**
 * Version of this protocol; the client connects to `/ws?v=2` and `welcome` repeats it. A
 * socket opened with another version gets an `error` frame with code `version_mismatch` and
 * is closed with {@linkcode CLOSE_VERSION_MISMATCH}. v2 added edits, deletes, reactions and
 * replies: entries a v1 client would show as blank messages.
 */
export const PROTOCOL_VERSION = 2;
/** Close code of a socket opened with another protocol version: reload the page. */
export const CLOSE_VERSION_MISMATCH = 4426;
/** Largest client frame accepted, in UTF-8 bytes. Larger frames get a `frame_too_large` error. */
export const MAX_FRAME_BYTES = 32 * 1024;
/** Longest message text, counted in Unicode code points by {@linkcode countChars}. */
export const MAX_TEXT_CHARS = 4000;
/** Largest history page a client may ask for; also the default page size. */
export const HISTORY_PAGE_MAX = 100;
/** A client sends `typing` at most this often per room while the user types. */
export const TYPING_INTERVAL_MS = 3000;
/** How long a `typing` notice is shown unless renewed. */
export const TYPING_SHOW_MS = 5000;
/** Rooms with more members show no read receipts: each read would reach too many authors. */
export const RECEIPTS_MAX_MEMBERS = 100;
/** Most missed messages replayed on resume; past it the server answers `reset: true`. */
export const RESUME_MAX = 1000;
/**
 * Deepest nesting of objects and arrays a client frame may have (the frame itself is level
 * 1); the deepest real frame is far shallower. Deeper frames get a `bad_frame` error.
 */
export const MAX_FRAME_DEPTH = 8;
/**
 * WebSocket close code of a socket whose session ended (logout in any tab, expiry): the
 * client does not reconnect, it goes to the login page with a note.
 */
export const CLOSE_SESSION_ENDED = 4001;
/** A tab with no input for this long reports itself away (a hidden tab at once). */
export const AWAY_AFTER_MS = 5 * 60_000;

/**
 * Counts the characters of a message the way every limit in this product does: in Unicode
 * code points, so an emoji is one (a ZWJ sequence counts each joined code point) and
 * zero-width or direction marks count like any other character.
 */
export function countChars(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Longest reaction emoji, in UTF-16 units (a flag or a family ZWJ sequence fits). */
export const MAX_EMOJI_LENGTH = 32;
/** Most distinct emoji on one message; a reaction with a new emoji past it is refused. */
export const MAX_REACTION_EMOJI = 20;
/** Most reactions (user and emoji pairs) on one message, which bounds its stored size. */
export const MAX_REACTIONS = 500;
/** Most edits of one message; its earlier versions are kept, so this bounds what it stores. */
export const MAX_EDITS = 20;
/** Longest excerpt of the original kept with a reply, in code points. */
export const REPLY_EXCERPT_CHARS = 100;

const EMOJI = /^\p{RGI_Emoji}$/v;

/**
 * True when `text` is one emoji (one RGI emoji sequence: a skin tone, a flag or a ZWJ family
 * included) of at most {@linkcode MAX_EMOJI_LENGTH} UTF-16 units. Text, digits and two emoji
 * are not.
 */
export function isReactionEmoji(text: string): boolean {
  return text.length > 0 && text.length <= MAX_EMOJI_LENGTH && EMOJI.test(text);
}

const RoomId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "invalid room id"));
const ClientId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, "invalid clientId"));
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Ref = v.optional(v.pipe(v.string(), v.maxLength(64)));
const Text = v.pipe(
  v.string(),
  v.check((text) => text.trim().length > 0, "text is empty"),
  v.check(
    (text) => countChars(text) <= MAX_TEXT_CHARS,
    `text is over ${MAX_TEXT_CHARS} characters`,
  ),
);

const SubscribeFrame = v.object({
  type: v.literal("subscribe"),
  ref: Ref,
  room: RoomId,
  /** Resume: the last seq this client has; the server replays every later message. */
  after: v.optional(Seq),
});
const UnsubscribeFrame = v.object({ type: v.literal("unsubscribe"), ref: Ref, room: RoomId });
const SendFrame = v.object({
  type: v.literal("send"),
  ref: Ref,
  room: RoomId,
  clientId: ClientId,
  text: Text,
  /** The seq of the message this one replies to, in the same room. */
  replyTo: v.optional(Seq),
});
// Message actions (v2): each is stored as a log entry with its own seq; see docs/PROTOCOL.md.
const EditFrame = v.object({
  type: v.literal("edit"),
  ref: Ref,
  room: RoomId,
  clientId: ClientId,
  target: Seq,
  text: Text,
});
const DeleteFrame = v.object({
  type: v.literal("delete"),
  ref: Ref,
  room: RoomId,
  clientId: ClientId,
  target: Seq,
});
const ReactFrame = v.object({
  type: v.literal("react"),
  ref: Ref,
  room: RoomId,
  clientId: ClientId,
  target: Seq,
  emoji: v.pipe(v.string(), v.check(isReactionEmoji, "emoji must be one emoji")),
  /** True adds the user's reaction, false removes it: never a blind flip. */
  on: v.boolean(),
});
/** Asks for the earlier versions of an edited message. */
const VersionsFrame = v.object({
  type: v.literal("versions"),
  ref: Ref,
  room: RoomId,
  target: Seq,
});
const HistoryFrame = v.object({
  type: v.literal("history"),
  ref: Ref,
  room: RoomId,
  /** Page ends just before this seq; omitted means the newest page. */
  before: v.optional(Seq),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(HISTORY_PAGE_MAX))),
});
const PingFrame = v.object({ type: v.literal("ping"), ref: Ref });
const PongFrame = v.object({ type: v.literal("pong"), ref: Ref });
/** The user is typing in a room (or, with `stop`, emptied the composer); never stored. */
const TypingFrame = v.object({
  type: v.literal("typing"),
  ref: Ref,
  room: RoomId,
  stop: v.optional(v.literal(true)),
});
/**
 * This tab is away (hidden, or idle for {@linkcode AWAY_AFTER_MS}) or back. A user is away
 * when every one of their tabs is; a new socket starts active.
 */
const PresenceFrame = v.object({ type: v.literal("presence"), ref: Ref, away: v.boolean() });
// Read markers and receipts (see docs/PROTOCOL.md, "Read state").
/** The user has read the room up to `seq` (visible and focused); the marker only moves forward. */
const ReadFrame = v.object({ type: v.literal("read"), ref: Ref, room: RoomId, seq: Seq });
/** Asks who has read how far in a room, for "Seen" and "Seen by N". */
const ReceiptsFrame = v.object({ type: v.literal("receipts"), ref: Ref, room: RoomId });

const ClientFrameSchema = v.variant("type", [
  SubscribeFrame,
  UnsubscribeFrame,
  SendFrame,
  HistoryFrame,
  PingFrame,
  PongFrame,
  TypingFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  VersionsFrame,
  PresenceFrame,
  ReadFrame,
  ReceiptsFrame,
]);

/** Every frame a client may send. Unknown fields (such as a forged `from`) are dropped. */
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;
/** The `type` of a client frame. */
export type ClientFrameType = ClientFrame["type"];
const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set<ClientFrameType>([
  "subscribe",
  "unsubscribe",
  "send",
  "history",
  "ping",
  "pong",
  "typing",
  "edit",
  "delete",
  "react",
  "versions",
  "presence",
  "read",
  "receipts",
]);

/** A username in a {@linkcode RoomEvent} (at the time of the event). */
const EventUser = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
/** A room name or topic in a {@linkcode RoomEvent}. */
const EventValue = v.pipe(
  v.string(),
  v.minLength(1),
  v.check((text) => countChars(text) <= MAX_TEXT_CHARS, "value is too long"),
);
/** An event about `user`, made by nobody else (they joined or left). */
const selfEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), user: EventUser });
/** An event about `user`, made by `by` (an owner or admin). */
const memberEvent = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), user: EventUser, by: EventUser });
/** A change to the room itself, made by `by`. */
const roomChange = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), by: EventUser });

const RoomEventSchema = v.variant("type", [
  selfEvent("joined"),
  selfEvent("joined_by_link"),
  selfEvent("left"),
  memberEvent("kicked"),
  memberEvent("banned"),
  memberEvent("added"),
  memberEvent("owner_changed"),
  v.object({ type: v.literal("renamed"), by: EventUser, name: EventValue }),
  v.object({ type: v.literal("topic_set"), by: EventUser, topic: EventValue }),
  roomChange("topic_cleared"),
  roomChange("picture_changed"),
  roomChange("picture_removed"),
]);

/**
 * What a system message tells, told apart by `type`; names are usernames at the time of the
 * event. Clients show it in the reader's language (the catalogue key is `system.<type>`).
 * `owner_changed`: `by` made `user` the owner. `added`: `by` added `user` (an invite).
 * `joined_by_link`: `user` joined with an invite link.
 */
export type RoomEvent = v.InferOutput<typeof RoomEventSchema>;
/** The `type` of a {@linkcode RoomEvent}. */
export type RoomEventType = RoomEvent["type"];

/**
 * Reads the `event` of a system message as received; `undefined` when it is absent or not a
 * {@linkcode RoomEvent} this client knows (a type added later, a malformed value), in which
 * case the message's `text` is what to show. Unknown fields are dropped.
 */
export function parseRoomEvent(value: unknown): RoomEvent | undefined {
  if (value === undefined) return undefined;
  const result = v.safeParse(RoomEventSchema, value);
  return result.success ? result.output : undefined;
}

/** A stored chat message as every client sees it. */
export interface ChatMessage {
  /** Room the message belongs to. */
  room: string;
  /** Position in the room: starts at 1, strictly increasing, no gaps. */
  seq: number;
  /** Server-assigned unique id. */
  id: string;
  /** User id of the sender, taken from the session. */
  from: string;
  /** Username of the sender at the time of sending. */
  author: string;
  /**
   * Message text as sent. For a system message, the event in English ("bob joined"), kept
   * for readers that do not know its `event`.
   */
  text: string;
  /** Server time of storing, in milliseconds since the epoch. */
  at: number;
  /**
   * `"system"` for a room event written by the server (join, leave, kick, ban, rename); its
   * `from` and `author` are then {@linkcode SYSTEM_SENDER}. Absent for user messages.
   * An action entry (`"edit"`, `"delete"`, `"reaction"`) changes the message at `target`: a
   * client applies it to that message (when it holds it, and only if the entry's seq is above
   * the message's `revision`) and does not show it. See {@linkcode MessageAction}.
   */
  kind?: "system" | MessageActionKind;
  /** Action entries: the seq of the message they change. */
  target?: number;
  /** Reaction entries: the emoji. */
  emoji?: string;
  /** Reaction entries: added (true) or removed (false). */
  on?: boolean;
  /** The message this one replies to, as it was when the reply was sent. */
  replyTo?: ReplyPreview;
  /** Seq of the last action entry applied to this message; absent when none was. */
  revision?: number;
  /** When the text was last edited; absent when it never was. */
  editedAt?: number;
  /** How many earlier versions are kept (one per edit); ask for them with `versions`. */
  versions?: number;
  /** The message was deleted: its text (and earlier versions) are gone; `text` is empty. */
  deleted?: true;
  /** Reactions, in the order their emoji were first used; each lists who reacted. */
  reactions?: Reaction[];
  /**
   * Action entries as delivered (live, resume, history): the target message as it is after
   * this action or a later one. Absent when the target is gone or on a retried action's echo.
   */
  changed?: ChatMessage;
  /**
   * What a system message tells, to be shown in the reader's language (read it with
   * {@linkcode parseRoomEvent}). Absent on user messages and on system messages stored
   * before events were added: show their `text`.
   */
  event?: RoomEvent;
  /**
   * Mentions: ids of the room members named as `@username` in `text` when it was sent (at most
   * `MAX_MENTIONS`, in order of first mention). Absent when it mentions nobody. Unread counting
   * counts the messages naming the reader apart.
   */
  mentions?: string[];
}

/** A member and how far they have read a room, for read receipts. */
export interface Reader {
  id: string;
  /** Username. */
  name: string;
  /** Their read marker: the last seq they read. */
  seq: number;
}

/** The kinds of action entries. */
export type MessageActionKind = "edit" | "delete" | "reaction";

/** The quoted original of a reply. */
export interface ReplyPreview {
  seq: number;
  /** User id of the original's sender. */
  from: string;
  /** Username of the original's sender. */
  author: string;
  /** The first {@linkcode REPLY_EXCERPT_CHARS} code points of the original's text. */
  excerpt: string;
}

/** One emoji on a message and who reacted with it, oldest first. */
export interface Reaction {
  emoji: string;
  users: { id: string; name: string }[];
}

/** An earlier version of an edited message. */
export interface MessageVersion {
  text: string;
  /** When this version was stored (sent, or edited). */
  at: number;
}

/** True for an action entry (edit, delete, reaction), which changes another message. */
export function isActionEntry(message: Pick<ChatMessage, "kind">): boolean {
  return message.kind === "edit" || message.kind === "delete" || message.kind === "reaction";
}

/** The reserved `from`/`author` of system messages; no account can have it (ids are 22 chars). */
export const SYSTEM_SENDER = "system";

/** Machine-readable reason of an `error` frame. */
export type ErrorCode =
  | "bad_frame"
  | "binary_frame"
  | "frame_too_large"
  | "unknown_type"
  | "not_member"
  | "muted"
  | "rate_limited"
  | "flood"
  | "internal"
  | "version_mismatch"
  | "no_such_message"
  | "not_allowed"
  | "too_many_edits"
  | "too_many_reactions";

/** Every frame the server sends. */
export type ServerFrame =
  | {
    type: "welcome";
    v: typeof PROTOCOL_VERSION;
    user: { id: string; name: string };
    /** Id of the server isolate (worker) holding this socket. */
    node: string;
    /** The server pings this often; a peer silent for twice as long is dropped. */
    heartbeatMs: number;
  }
  | {
    type: "subscribed";
    ref?: string;
    room: string;
    /** Last seq stored in the room when the subscription started. */
    head: number;
    /** True when the missed messages were too many (or `after` was ahead of the room): reload history. */
    reset: boolean;
  }
  | { type: "unsubscribed"; ref?: string; room: string }
  | ({ type: "message" } & ChatMessage)
  | { type: "ack"; room: string; clientId: string; id: string; seq: number; at: number }
  | {
    type: "history";
    ref?: string;
    room: string;
    /** Ascending by seq. */
    messages: ChatMessage[];
    /** True when older messages exist before the first one of this page. */
    hasMore: boolean;
  }
  | {
    type: "versions";
    ref?: string;
    room: string;
    target: number;
    /** Oldest first; the current text is not among them. */
    versions: MessageVersion[];
  }
  | { type: "ping" }
  | { type: "pong"; ref?: string }
  /** Someone else in the room is typing; best-effort, show it for {@linkcode TYPING_SHOW_MS}. */
  | { type: "typing"; room: string; user: { id: string; name: string }; stop?: true }
  /** The user's read marker in a room moved (in this tab or another tab or device). */
  | { type: "read"; room: string; seq: number }
  /**
   * Answer to `receipts`: how far each other member who shares receipts has read. Empty when
   * the asker turned receipts off or the room is over {@linkcode RECEIPTS_MAX_MEMBERS}.
   */
  | { type: "receipts"; ref?: string; room: string; readers: Reader[] }
  /** Another member read the room up to `seq`, past a message of yours (live receipts). */
  | { type: "receipt"; room: string; reader: Reader }
  /** A live notice for this user (friend requests, friend list and profile changes, new DMs). */
  | { type: "user_event"; event: UserEvent }
  | {
    type: "error";
    code: ErrorCode;
    message: string;
    /** The `ref` of the offending request, when it had one. */
    ref?: string;
    /** The `type` of the offending request, when it could be read. */
    request?: string;
    room?: string;
    clientId?: string;
    /** For `rate_limited`: when to try again. */
    retryAfterMs?: number;
  };

/** The error frame shape, as returned by {@linkcode parseClientFrame}. */
export type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

/** Result of {@linkcode parseClientFrame}. */
export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

const encoder = new TextEncoder();

/**
 * Validates one raw WebSocket frame from a client.
 *
 * Never throws: any malformed, oversized, binary or unknown frame yields an `error` frame that
 * names the request (`ref`, `type`, `room`, `clientId`) as far as it could be read.
 */
export function parseClientFrame(raw: unknown): ParseResult {
  if (typeof raw !== "string") {
    return fail({
      code: "binary_frame",
      message: "binary frames are not supported; send JSON text",
    });
  }
  if (
    raw.length > MAX_FRAME_BYTES ||
    (raw.length * 3 > MAX_FRAME_BYTES && encoder.encode(raw).length > MAX_FRAME_BYTES)
  ) {
    return fail({ code: "frame_too_large", message: `frame is over ${MAX_FRAME_BYTES} bytes` });
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail({ code: "bad_frame", message: "frame is not valid JSON" });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail({ code: "bad_frame", message: "frame must be a JSON object" });
  }
  const named = describeRequest(data as Record<string, unknown>);
  const shape = shapeProblem(data, 1);
  if (shape) return fail({ ...named, code: "bad_frame", message: shape });
  const type = (data as Record<string, unknown>).type;
  if (typeof type !== "string" || !CLIENT_FRAME_TYPES.has(type)) {
    return fail({ ...named, code: "unknown_type", message: "unknown frame type" });
  }
  const result = v.safeParse(ClientFrameSchema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((item) => String(item.key)).join(".");
    return fail({
      ...named,
      code: "bad_frame",
      message: path ? `${path}: ${issue.message}` : issue.message,
    });
  }
  return { ok: true, frame: result.output };
}

/**
 * Why a parsed value may not be a frame: nesting deeper than {@linkcode MAX_FRAME_DEPTH}, or
 * a `__proto__` key at any level (`JSON.parse` makes it an own key; code that copies the
 * object with `Object.assign` or a spread would set a prototype). Undefined when neither.
 */
function shapeProblem(value: unknown, depth: number): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (depth > MAX_FRAME_DEPTH) return `frame nests deeper than ${MAX_FRAME_DEPTH} levels`;
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    return "frame has a __proto__ key";
  }
  for (const item of Object.values(value)) {
    const problem = shapeProblem(item, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function fail(error: Omit<ErrorFrame, "type">): ParseResult {
  return { ok: false, error: { type: "error", ...error } };
}

/** Picks the fields that name a request, only where they have the right shape. */
function describeRequest(data: Record<string, unknown>): Partial<ErrorFrame> {
  const named: Partial<ErrorFrame> = {};
  const pick = (key: "ref" | "room" | "clientId") => {
    const value = Object.hasOwn(data, key) ? data[key] : undefined;
    if (typeof value === "string" && value.length <= 64) named[key] = value;
  };
  pick("ref");
  pick("room");
  pick("clientId");
  if (typeof data.type === "string" && data.type.length <= 32) named.request = data.type;
  return named;
}

/** Serializes a server frame; the server calls it once per broadcast, not once per socket. */
export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}
