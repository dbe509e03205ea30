/**
 * One {@linkcode RoomEvent} of each type, for tests that must cover them all: the protocol's
 * parser, the catalogue keys, the English text.
 *
 * @module
 */
import type { RoomEvent } from "../protocol.ts";

/** One event of each type, as the server writes them, in the order of the protocol's union. */
export const EVERY_ROOM_EVENT: readonly RoomEvent[] = [
  { type: "joined", user: "bob" },
  { type: "joined_by_link", user: "bob" },
  { type: "left", user: "bob" },
  { type: "kicked", user: "mia", by: "adam" },
  { type: "banned", user: "mia", by: "adam" },
  { type: "added", user: "fred", by: "adam" },
  { type: "owner_changed", user: "mia", by: "olga" },
  { type: "renamed", by: "adam", name: "lounge" },
  { type: "topic_set", by: "adam", topic: "tea, and 🍰" },
  { type: "topic_cleared", by: "olga" },
  { type: "picture_changed", by: "adam" },
  { type: "picture_removed", by: "olga" },
];
