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
