/**
 * The server's check of a room's name and topic on create and rename, as a refusal. The rules
 * themselves are in `lib/common/room_rules.ts`, shared with the new-room form; this module
 * stays on the server because a refusal carries the English catalogue, which the browser
 * bundle must not.
 *
 * @module
 */
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "../common/api_types.ts";
import { type Refusal, refusal } from "../common/refusal.ts";
import { roomNameProblem, roomTopicFits } from "../common/room_rules.ts";
import { hasControl, hasDirectionControl, isInvisible } from "../common/text_hygiene.ts";

/**
 * The server's refusal of a trimmed name and topic (either absent when it is not being set),
 * name first; undefined when both are acceptable. Neither may hold control characters (a
 * topic may hold line breaks) or direction overrides, and a name must show something.
 */
export function roomFieldsProblem(
  trimmedName: string | undefined,
  trimmedTopic: string | undefined,
): Refusal | undefined {
  if (trimmedName !== undefined && roomNameProblem(trimmedName)) {
    return refusal(400, "refusal.roomNameLength", { max: MAX_ROOM_NAME_CHARS });
  }
  if (trimmedTopic !== undefined && !roomTopicFits(trimmedTopic)) {
    return refusal(400, "refusal.roomTopicLength", { max: MAX_ROOM_TOPIC_CHARS });
  }
  const nameHidden = trimmedName !== undefined &&
    (hasControl(trimmedName) || hasDirectionControl(trimmedName) || isInvisible(trimmedName));
  // A topic may span lines.
  const topicHidden = trimmedTopic !== undefined &&
    (hasControl(trimmedTopic, "\n") || hasDirectionControl(trimmedTopic));
  if (nameHidden || topicHidden) return refusal(400, "refusal.roomFieldHidden");
  return undefined;
}
