/**
 * Shapes of the JSON HTTP API under `/api/`, shared by the routes and the islands.
 * Browser-compatible: no Deno APIs here.
 *
 * @module
 */
import type { Role } from "./room_roles.ts";
import type { Locale } from "./i18n/locale.ts";
import type { UnreadCount } from "./unread.ts";
import type { RoomEvent } from "./protocol.ts";
import type { FileGist } from "./message_gist.ts";
import type { NotifyLevel } from "./notify_level.ts";

/** A user as other users and the client see them. */
export interface PublicUser {
  id: string;
  name: string;
  /** The account is the administrator's (the first account created). Absent otherwise. */
  admin?: true;
}

/** A room as listed to a user. */
export interface RoomSummary {
  id: string;
  name: string;
  topic: string;
  createdAt: number;
  /** Path of the room's uploaded picture (see {@linkcode avatarPath}); absent: the default. */
  avatarUrl?: string;
  /**
   * End-to-end encrypted (MLS): messages are `e2e` payloads only the members' devices can
   * read. Set at creation, never changed; public rooms never have it.
   */
  encrypted?: true;
}

/**
 * `GET /api/rooms`: the rooms the user is in, and the first Discover page of public rooms
 * they can join.
 */
export interface RoomLists {
  joined: RoomSummary[];
  discover: RoomSummary[];
  /** Pass as `cursor` to `GET /api/rooms/discover` for more; absent when all are listed. */
  discoverCursor?: string;
}

/** `GET /api/rooms/discover?cursor=&limit=`: public rooms to join, newest first. */
export interface DiscoverPage {
  rooms: RoomSummary[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Discover rooms per page when no `limit` is given (and in `GET /api/rooms`). */
export const DISCOVER_PAGE_DEFAULT = 20;
/** Largest `limit` of a Discover page. */
export const DISCOVER_PAGE_MAX = 100;

/**
 * Summary of a room's newest message, stored with every append (see `MessageStore`): enough
 * to list and sort conversations without reading the message itself.
 */
export interface LastMessage {
  seq: number;
  /** Server time of storing, in milliseconds since the epoch. */
  at: number;
  /** Sender's username at sending time. */
  author: string;
  /** Sender's user id. */
  from: string;
  /** The first {@linkcode PREVIEW_CHARS} code points of the text. */
  preview: string;
  /**
   * A system message's event, to preview in the reader's language (see `ChatMessage.event`);
   * absent for user messages and for system messages stored before events.
   */
  event?: RoomEvent;
  /** The message was deleted (its preview is then empty). */
  deleted?: true;
  /** The message was edited; the preview shows the new text. */
  edited?: true;
  /** The message's first file, when it has files and no text (its preview is then ""). */
  file?: FileGist;
}

/** Longest {@linkcode LastMessage.preview}, in code points. */
export const PREVIEW_CHARS = 80;

/**
 * A room as the conversation list shows it: a group room, or a direct conversation whose
 * `name` and `topic` are the peer's display name and status.
 */
export type ConversationRoom =
  | RoomSummary & { kind: "group" }
  | RoomSummary & { kind: "direct"; peer: PublicProfile };

/** One entry of the conversation list. */
export interface Conversation {
  room: ConversationRoom;
  /** The newest message; absent while the room has none. */
  last?: LastMessage;
  /**
   * What the list sorts by (descending): `last.at`, or the user's join time when that is later
   * (or there is no message).
   */
  activity: number;
  /** Present when the user is muted in this room: `by` names who muted them ("" unknown). */
  muted?: { by: string };
  /** The user's read marker and unread counts when the page was read. */
  read?: ReadState;
}

/** A user's read marker in a conversation (`seq`) and what is unread after it. */
export interface ReadState extends UnreadCount {
  /** The last seq the user has read. */
  seq: number;
}

/** `GET /api/conversations?cursor=&limit=`: one page, most recent activity first. */
export interface ConversationPage {
  conversations: Conversation[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Conversations per page when no `limit` is given. */
export const CONVERSATION_PAGE_DEFAULT = 50;
/** Largest `limit` of a conversation page. */
export const CONVERSATION_PAGE_MAX = 100;

/** Body of every 4xx/5xx JSON answer. */
export interface ApiError {
  /** What went wrong, in English. */
  error: string;
  /** The catalogue key of the message (`refusal.…`), to show it in the reader's language. */
  code?: string;
  /** Values of the message's placeholders. */
  params?: Readonly<Record<string, string | number>>;
  /** For 429 answers: seconds until a retry may succeed. */
  retryAfterSeconds?: number;
}

/** Longest room name, in code points. */
export const MAX_ROOM_NAME_CHARS = 64;
/** Longest room topic, in code points. */
export const MAX_ROOM_TOPIC_CHARS = 200;

/** Longest display name, in code points. */
export const MAX_DISPLAY_NAME_CHARS = 40;
/** Longest status line, in code points. */
export const MAX_STATUS_CHARS = 80;
/** Longest note on a friend request, in code points. */
export const MAX_FRIEND_NOTE_CHARS = 200;

/**
 * A user's public profile. `name` is the login name (unique, used for lookups);
 * `displayName` defaults to it. Without `avatarUrl` the client draws the avatar from the
 * initials of `displayName` on a colour derived from `id`.
 */
export interface PublicProfile {
  id: string;
  name: string;
  displayName: string;
  status: string;
  /** Path of the uploaded avatar (see {@linkcode avatarPath}); absent: the generated one. */
  avatarUrl?: string;
  /** The account was deleted: shown as "deleted user" (`name` is its reserved username). */
  deleted?: true;
}

/**
 * Answer of `PATCH /api/me/profile`: the public profile, and the UI language the user saved
 * (null: the browser's). The language is private, so it is not part of the profile.
 */
export interface ProfilePatchResponse {
  profile: PublicProfile;
  locale: Locale | null;
}

/**
 * Largest uploaded avatar, in bytes (60 KiB): the image is stored as one Deno KV value, and
 * KV values are at most 64 KiB. A 256×256 WebP at quality 0.85 is typically 5–30 KiB.
 */
export const MAX_AVATAR_BYTES = 60 * 1024;
/** Width and height, in pixels, of the square avatar the browser uploads. */
export const AVATAR_SIZE = 256;

/**
 * The URL of an uploaded avatar: `/api/avatars/users/<id>/<version>` or
 * `/api/avatars/rooms/<id>/<version>`. Every upload gets a new random version, so the image
 * behind one URL never changes and may be cached for good.
 */
export function avatarPath(kind: "users" | "rooms", id: string, version: string): string {
  return `/api/avatars/${kind}/${encodeURIComponent(id)}/${encodeURIComponent(version)}`;
}

/** A pending friend request, as either side lists it. */
export interface FriendRequestView {
  /** The other user: the sender in `incoming`, the recipient in `outgoing`. */
  user: PublicProfile;
  note: string;
  at: number;
}

/** A friend as `GET /api/friends` lists them: their profile, and whether they are online. */
export interface FriendView extends PublicProfile {
  /** True while the friend has an open chat socket on some node (best-effort). */
  online: boolean;
  /** Online, away or offline with "last seen" (see {@linkcode PresenceView}). */
  presence?: PresenceView;
}

/**
 * The versions of a user's conversation list and notification levels (`rooms`: the
 * versionstamp of `["rooms_mark", userId]`, which a level change sets too) and friend lists (`friends`: of their friend digest,
 * `["friend_ids", userId]`), "" before any change: the page comes with those its lists were
 * read at, a socket's `welcome` with those of its connect, and a page whose list is older reads
 * it again (`client/follow_lists.ts`).
 */
export interface ListMarks {
  rooms: string;
  friends: string;
}

/** `GET /api/friends`. */
export interface FriendLists {
  friends: FriendView[];
  incoming: FriendRequestView[];
  outgoing: FriendRequestView[];
  /** Users the caller blocked (only the caller sees this list). */
  blocked: PublicProfile[];
}

/** A direct-message conversation, as one of its two members sees it. */
export interface DirectRoom {
  /** The room id (`dm_…`), used with the WebSocket like any room. */
  id: string;
  /** The other member. */
  peer: PublicProfile;
  createdAt: number;
  /** A secret chat: end-to-end encrypted, a room of its own beside the plain DM. */
  encrypted?: true;
}

/**
 * A live notice for one user, sent to all their sockets in a `user_event` frame. The
 * friend lists are re-read with `GET /api/friends` on `friends_changed`.
 */
export type UserEvent =
  /** Someone sent the user a friend request. */
  | { kind: "friend_request"; request: FriendRequestView }
  /** The user's friends or requests changed (accepted, declined, cancelled, removed). */
  | { kind: "friends_changed" }
  /** A friend, someone sharing a group room, or the user (another tab) changed their profile. */
  | { kind: "profile"; profile: PublicProfile }
  /** A direct conversation with the user was opened. */
  | { kind: "dm_opened"; dm: DirectRoom }
  /** The user was added to a group room (invited by a friend): show it in the sidebar. */
  | { kind: "room_joined"; room: RoomSummary }
  /**
   * A new message in a conversation of the user that this socket does not follow (neither on
   * its loaded pages nor shown): look it up (`GET /api/conversations/:id`) and list it first.
   * Carries no text, so an encrypted room's notice reveals nothing more than its id.
   */
  | { kind: "activity"; roomId: string }
  /** A room the user is in was renamed, got a new topic or a new picture. */
  | { kind: "room_updated"; room: RoomSummary }
  /**
   * The user is no longer in a room (kicked, banned, left in another tab, or deleted). `reason`
   * says why when someone else did it, so the user is told instead of silently switched.
   */
  | { kind: "room_removed"; roomId: string; reason?: RemovalReason }
  /**
   * A friend came online (their first chat socket on any node) or went offline (their last
   * closed, a few seconds ago). Best-effort; sent to friends only, never across a block.
   */
  | { kind: "presence"; user: string; online: boolean; presence?: PresenceView }
  // told: being told what happened (issue 12 item 7).
  /**
   * Device `deviceId` of `userId` asks to be added to the MLS group of the encrypted room
   * `roomId` (a new device), or with `leaf` to be added again (it fell behind the group; `leaf`
   * is the key of its leaf there, base64): the member devices check the group now. `epoch`: the
   * group's epoch as far as the device read the room's log without finding a way in; a group at
   * that epoch that holds a leaf for the device adds it again (it could not read its Welcome).
   */
  | {
    kind: "e2e_add_request";
    roomId: string;
    userId: string;
    deviceId: string;
    leaf?: string;
    epoch?: number;
  }
  /** `by` muted (`muted: true`) or unmuted the user in the group room `roomId`, named `room`. */
  | { kind: "muted"; roomId: string; room: string; by: string; muted: boolean }
  /**
   * Sent to every connected user: a public room was created or changed (`room`), or stopped
   * being listed (`room` null: deleted or made private). Discover updates live.
   */
  | { kind: "discover"; roomId: string; room: RoomSummary | null }
  /**
   * The user chose a notification level for `roomId` on one of their devices (null: back to
   * the default); every other device's bell follows at once. `version` orders the choices
   * (see {@linkcode NotifyLevelChange}).
   */
  | { kind: "notify_level" } & NotifyLevelChange;

/**
 * A stored notification level choice, as `PUT /api/me/notifications/:room` answers it and the
 * `notify_level` user event tells it. `version` is the KV versionstamp of the write: a later
 * choice has a greater one (fixed-length hex, so strings compare in order). A page may read an
 * answer after the event of a later choice; the version tells it which one is current.
 */
export interface NotifyLevelChange {
  roomId: string;
  /** The level, or null for the default. */
  level: NotifyLevel | null;
  version: string;
}

/**
 * Every notification level a user chose, as `GET /api/me/notifications` answers it and the chat
 * page starts with: `version` is the versionstamp of the latest change it includes (deletions
 * too; "" before any), so a page orders the whole list against the `notify_level` events it
 * took: a conversation missing from `levels` is at the default as of `version`.
 */
export interface NotifyLevelList {
  /** Room id to level, only where it is not the default. */
  levels: Record<string, NotifyLevel>;
  version: string;
}

/** Why a user was removed from a room by someone else: the room's name and who did it. */
export interface RemovalReason {
  why: "kicked" | "banned" | "deleted";
  /** The room's name when it happened. */
  room: string;
  /** Username of the member who did it. */
  by: string;
}

/** One member of a group room, as `GET /api/rooms/:id/members` lists it. */
export interface RoomMemberView {
  user: PublicProfile;
  role: Role;
  muted: boolean;
  joinedAt: number;
  /** The member's presence, as co-members see it. */
  presence?: PresenceView;
}

/** `GET /api/rooms/:id/members` (members only): the room, the caller's role, its members. */
export interface RoomDetails {
  room: RoomSummary & { visibility: "public" | "private" };
  /** The caller's role: the settings panel shows only the actions it allows. */
  role: Role;
  members: RoomMemberView[];
  /** Users banned from the room; listed to owners and admins only (empty for others). */
  banned: PublicProfile[];
}

/** An invite link as listed to a room's owner and admins. */
export interface InviteLinkView {
  token: string;
  /** Path of the join page, `/join/<token>`. */
  url: string;
  createdBy: string;
  expiresAt: number;
  maxUses: number;
  uses: number;
  /** Its maker's account is disabled: it admits no one until the account is enabled again. */
  paused?: true;
}

/** Longest lifetime of an invite link, in hours (30 days). */
export const MAX_INVITE_HOURS = 720;
/** Most uses of one invite link. */
export const MAX_INVITE_USES = 1000;

// told: finding people (issue 12 item 8).
/** `GET /api/directory?q=`: the people found, sorted by the matching name, at most 20. */
export interface DirectoryResults {
  users: PublicProfile[];
}

// told: presence, finished (issue 12 item 6).
/**
 * A user's presence over all their tabs, devices and nodes: online when any socket is
 * active, away when every one is hidden or idle, offline when there is none.
 */
export type PresenceStatus = "online" | "away" | "offline";

/**
 * Someone's presence as a friend or a co-member sees it: the status and, while offline, when
 * they were last seen (absent when unknown or hidden by the user's setting).
 */
export interface PresenceView {
  status: PresenceStatus;
  lastSeen?: number;
}

/** One message found by `GET /api/search`, as it reads now. */
export interface SearchHit {
  room: string;
  /** The conversation as the list names it: the room's name, or the peer's display name. */
  roomName: string;
  direct: boolean;
  seq: number;
  at: number;
  /** Sender's user id and username. */
  from: string;
  author: string;
  /** The message's current text. */
  text: string;
  /** Names of its attachments, when it has any. */
  files?: string[];
}

/** A page of search results, newest first; `nextCursor` is present while more may follow. */
export interface SearchPage {
  hits: SearchHit[];
  nextCursor?: string;
}

/** Results per search page when `limit` is absent. */
export const SEARCH_PAGE_DEFAULT = 20;
/** Most results per search page. */
export const SEARCH_PAGE_MAX = 50;
