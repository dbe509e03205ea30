/**
 * Shapes of the JSON HTTP API under `/api/`, shared by the routes and the islands.
 * Browser-compatible: no Deno APIs here.
 *
 * @module
 */

/** A user as other users and the client see them. */
export interface PublicUser {
  id: string;
  name: string;
}

/** A room as listed to a user. */
export interface RoomSummary {
  id: string;
  name: string;
  topic: string;
  createdAt: number;
}

/** `GET /api/rooms`: the rooms the user is in, and public rooms they can join. */
export interface RoomLists {
  joined: RoomSummary[];
  discover: RoomSummary[];
}

/** Body of every 4xx/5xx JSON answer. */
export interface ApiError {
  error: string;
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
 * `displayName` defaults to it. The avatar is drawn by the client from the initials of
 * `displayName` and a colour derived from `id`, so the server stores no image.
 */
export interface PublicProfile {
  id: string;
  name: string;
  displayName: string;
  status: string;
}

/** A pending friend request, as either side lists it. */
export interface FriendRequestView {
  /** The other user: the sender in `incoming`, the recipient in `outgoing`. */
  user: PublicProfile;
  note: string;
  at: number;
}

/** `GET /api/friends`. */
export interface FriendLists {
  friends: PublicProfile[];
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
  /** A friend (or the user, in another tab) changed their profile. */
  | { kind: "profile"; profile: PublicProfile }
  /** A direct conversation with the user was opened. */
  | { kind: "dm_opened"; dm: DirectRoom };
