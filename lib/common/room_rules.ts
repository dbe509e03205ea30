/**
 * The rules for room names and topics, shared by the server (which enforces them on create and
 * on rename) and the new-room form (which explains them before sending). Both are trimmed
 * first and counted in code points ({@linkcode countChars}).
 *
 * @module
 */
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "./api_types.ts";
import { countChars } from "./protocol.ts";

/** What is wrong with a room name: nothing left after trimming, or too many code points. */
export type RoomNameProblem = "empty" | "too_long";

/** Checks a trimmed room name; undefined when it is acceptable. */
export function roomNameProblem(trimmedName: string): RoomNameProblem | undefined {
  if (trimmedName.length === 0) return "empty";
  return countChars(trimmedName) > MAX_ROOM_NAME_CHARS ? "too_long" : undefined;
}

/** True when a trimmed topic is short enough (an empty topic is fine). */
export function roomTopicFits(trimmedTopic: string): boolean {
  return countChars(trimmedTopic) <= MAX_ROOM_TOPIC_CHARS;
}
