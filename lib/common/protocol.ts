/**
 * Wire protocol v2: every frame that crosses the chat WebSocket, shared by the server and the
 * browser islands. This module must stay browser-compatible (no Deno APIs).
 *
 * Client frames are validated by `parseClientFrame` (in `client_frames.ts`, which the browser
 * never loads: valibot stays out of its bundle); server frames are built by the
 * server from the {@linkcode ServerFrame} union and read by the browser client.
 * The full description lives in `docs/PROTOCOL.md`.
 *
 * @module
 */
import type { ListMarks, UserEvent } from "./api_types.ts";
import type { Attachment } from "./attachments.ts";
import type { FileGist } from "./message_gist.ts";

export type { ClientFrame, ClientFrameType, ParseResult } from "./client_frames.ts";

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
/**
 * Close code of a server that is restarting or shutting down (RFC 6455 "Service Restart"):
 * every message it acked is stored, and the client reconnects at once, without backoff.
 */
export const CLOSE_SERVICE_RESTART = 1012;
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

/** Most distinct emoji on one message; a reaction with a new emoji past it is refused. */
export const MAX_REACTION_EMOJI = 20;
/** Most reactions (user and emoji pairs) on one message, which bounds its stored size. */
export const MAX_REACTIONS = 500;
/**
 * Most edits of one message; its earlier versions are kept, so this bounds what it stores. In an
 * encrypted room the server counts the encrypted edit entries (`versions`) against it too.
 */
export const MAX_EDITS = 20;
/**
 * Most encrypted reaction entries on one message (`reactionEntries`). The server cannot read an
 * encrypted reaction's emoji or whether it adds or removes, so it cannot hold the caps above;
 * it bounds what a message gathers instead: room for each of {@linkcode MAX_REACTIONS}
 * reactions to be added and removed once. The members' devices apply the caps above to what
 * they decrypt (`reaction_toggle.ts`).
 */
export const MAX_E2E_REACTION_ENTRIES = 2 * MAX_REACTIONS;
/**
 * Longest payload of an encrypted reaction, in base64 characters. ts-mls pads a message's
 * content to 256 bytes, so every reaction's payload is the same size (about 430 characters);
 * anything much larger is not a reaction, and would let the reaction path store what the
 * message path limits.
 */
export const MAX_E2E_REACTION_PAYLOAD = 1024;
/** Longest excerpt of the original kept with a reply, in code points. */
export const REPLY_EXCERPT_CHARS = 100;

/**
 * The fields of each room event besides `type`: `user` and `by` are usernames at the time of
 * the event, `name` and `topic` a room's new name or topic. Checked by hand rather than by a
 * valibot schema: this is the only validation the browser runs, and valibot's validators would
 * cost the first-load bundle about 4 KB gzipped for it.
 */
const ROOM_EVENT_FIELDS = {
  joined: ["user"],
  joined_by_link: ["user"],
  left: ["user"],
  kicked: ["user", "by"],
  banned: ["user", "by"],
  added: ["user", "by"],
  owner_changed: ["user", "by"],
  renamed: ["by", "name"],
  topic_set: ["by", "topic"],
  topic_cleared: ["by"],
  picture_changed: ["by"],
  picture_removed: ["by"],
  call_ended: ["by", "duration"],
  call_missed: ["by"],
  call_declined: ["by"],
  group_call_ended: ["by", "duration"],
} as const satisfies Record<
  string,
  readonly ("user" | "by" | "name" | "topic" | "duration")[]
>;

/** The `type` of a {@linkcode RoomEvent}. */
export type RoomEventType = keyof typeof ROOM_EVENT_FIELDS;

/**
 * What a system message tells, told apart by `type`; names are usernames at the time of the
 * event. Clients show it in the reader's language (the catalogue key is `system.<type>`).
 * `owner_changed`: `by` made `user` the owner. `added`: `by` added `user` (an invite).
 * `joined_by_link`: `user` joined with an invite link. `call_ended`, `call_missed`,
 * `call_declined`: the summary of a call `by` started; `duration` is `m:ss`. `group_call_ended`:
 * a room's group call `by` started ended when its last participant left, after `duration`.
 */
export type RoomEvent = {
  [T in RoomEventType]:
    & { type: T }
    & { [F in (typeof ROOM_EVENT_FIELDS)[T][number]]: string };
}[RoomEventType];

/** Longest username in a {@linkcode RoomEvent}. */
const EVENT_USER_MAX = 64;

/**
 * Reads the `event` of a system message as received; `undefined` when it is absent or not a
 * {@linkcode RoomEvent} this client knows (a type added later, a malformed value), in which
 * case the message's `text` is what to show. Unknown fields are dropped.
 */
export function parseRoomEvent(value: unknown): RoomEvent | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== "string" || !Object.hasOwn(ROOM_EVENT_FIELDS, type)) return undefined;
  const event: Record<string, string> = { type };
  for (const field of ROOM_EVENT_FIELDS[type as RoomEventType]) {
    const text = Object.hasOwn(record, field) ? record[field] : undefined;
    if (typeof text !== "string" || text.length === 0) return undefined;
    const name = field === "user" || field === "by";
    if (name ? text.length > EVENT_USER_MAX : countChars(text) > MAX_TEXT_CHARS) return undefined;
    event[field] = text;
  }
  return event as RoomEvent;
}

/**
 * Largest MLS payload of one message (`E2ePayload.data` plus `welcome`), in base64 characters:
 * a short text is about 430, a commit adding one device with its Welcome about 3 KB. It keeps
 * the frame under {@linkcode MAX_FRAME_BYTES} and the stored message under KV's 64 KiB.
 */
export const MAX_E2E_PAYLOAD = 24 * 1024;

/**
 * The MLS bytes of a message in an encrypted room, opaque to the server (see
 * docs/PROTOCOL.md, "Encrypted rooms"). `message`: an MLS PrivateMessage (application data);
 * `commit`: an MLS commit, with the Welcome for the devices it adds. Every field is base64 of
 * an encoded MLSMessage.
 */
export interface E2ePayload {
  kind: "message" | "commit";
  data: string;
  welcome?: string;
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
  /**
   * How many earlier versions are kept (one per edit); ask for them with `versions`. In an
   * encrypted room: how many encrypted edits it had (no earlier version is kept on the server).
   */
  versions?: number;
  /** Encrypted rooms: how many encrypted reaction entries target it (see `MAX_E2E_REACTION_ENTRIES`). */
  reactionEntries?: number;
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
  /** Files attached to the message, as the server stored them; `text` is then a caption. */
  attachments?: Attachment[];
  /**
   * Mentions: ids of the room members named as `@username` in `text` when it was sent (at most
   * `MAX_MENTIONS`, in order of first mention). Absent when it mentions nobody. Unread counting
   * counts the messages naming the reader apart.
   */
  mentions?: string[];
  /**
   * In an encrypted room, the message as its sender's device encrypted it; `text` is then "".
   * Only the members' devices can read it.
   */
  e2e?: E2ePayload;
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
  /** The original's first file, when it has files and no text (`excerpt` is then ""). */
  file?: FileGist;
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
  | "attachment_unavailable"
  | "internal"
  | "version_mismatch"
  | "no_such_message"
  | "not_allowed"
  | "too_many_edits"
  | "too_many_reactions"
  | "no_such_call"
  | "in_call"
  | "call_full"
  /** Plain text sent to an encrypted room, or an `e2e` payload to a plain one. */
  | "encryption_mismatch";

/** What a call carries: voice only, or voice and video. */
export type CallMedia = "audio" | "video";
/** A callee is rung for this long before the call ends as missed. */
export const CALL_RING_MS = 30_000;
/**
 * Default largest group call (`CALL_MAX_PARTICIPANTS`): each participant sends its media to
 * every other one (a full mesh), so six people mean five uplinks each; larger calls need an SFU.
 */
export const CALL_MESH_MAX_DEFAULT = 6;
/** Largest SDP offer or answer relayed, in UTF-16 units (a real one is 2 to 8 KB). */
export const MAX_SDP_LENGTH = 16 * 1024;
/** Longest ICE candidate line relayed. */
export const MAX_CANDIDATE_LENGTH = 1024;

/**
 * Why a call ended: `hangup` (a party hung up an answered call), `cancelled` (the caller gave up
 * while it rang), `declined`, `missed` (nobody answered in {@linkcode CALL_RING_MS}), `busy`
 * (the callee was in another call).
 */
export type CallEndReason = "hangup" | "cancelled" | "declined" | "missed" | "busy";

/**
 * A call as its parties see it. One shape for a one-to-one call and a group call: it has an id,
 * a room and participants; each participant's chosen socket (the tab that placed, answered or
 * joined it) is in `sockets`, and media negotiation is addressed to a participant.
 */
export interface CallView {
  id: string;
  room: string;
  media: CallMedia;
  /** Who started it (user id and username). */
  from: { id: string; name: string };
  /** User ids of everyone in the call, the caller first. */
  participants: string[];
  state: "ringing" | "active" | "ended";
  /** Participant id → the socket id (from `welcome`) of the tab that carries the call. */
  sockets: Record<string, string>;
  /** Server time the call was answered; absent while ringing. */
  answeredAt?: number;
  /** Set once `state` is `ended`. */
  reason?: CallEndReason;
  /**
   * A room's group call: never rings, is `active` from the start (`answeredAt` is its start),
   * members join and leave at will, and it ends when the last participant leaves.
   */
  group?: true;
  /** For a group call: the most participants it takes. */
  max?: number;
  /** For a group call: participant id → username, for the tiles of people one does not know. */
  names?: Record<string, string>;
}

/** A room's group call as every member of the room sees it (the header's "Call in progress"). */
export interface RoomCall {
  id: string;
  media: CallMedia;
  /** User ids of the participants, in the order they joined. */
  participants: string[];
  /** Server time the call started. */
  startedAt: number;
  /** The most participants it takes. */
  max: number;
}

/** An SDP description or an ICE candidate, relayed as given between two call parties. */
export type CallSignal =
  | { kind: "offer" | "answer"; sdp: string }
  | {
    kind: "candidate";
    candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
  };

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
    /** Id of this socket: a call names the socket that carries it (`CallView.sockets`). */
    socket: string;
    /**
     * The versions of the user's conversation and friend lists as the connect read them (""
     * before any change): a page holding an older list reads it again (`client/follow_lists.ts`).
     * `rooms` also dates the notification levels (`NotifyLevelList.version`; every level change
     * sets the same mark): a page holding older levels reads them again
     * (`client/notify/follow_levels.ts`).
     */
    lists: ListMarks;
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
  /** A call of this user rings, was answered, or ended; sent to every socket of its parties. */
  | { type: "call"; ref?: string; call: CallView }
  /** Media negotiation from another party of a call, sent only to this socket. */
  | { type: "call_signal"; call: string; from: string; signal: CallSignal }
  /**
   * A group call of `room` started, changed participants, or ended (`call: null`); sent to
   * every socket subscribed to the room. `GET /api/calls/rooms/:room` answers the same for a
   * tab that opens the room later.
   */
  | { type: "room_call"; room: string; call: RoomCall | null }
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

/** The error frame shape, as returned by `parseClientFrame`. */
export type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

/** Serializes a server frame; the server calls it once per broadcast, not once per socket. */
export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}
