/**
 * What a system message says, as a catalogue key and its values: the one mapping from a
 * {@linkcode RoomEvent} to words, used by the server (which stores the English sentence as the
 * message's `text`) and by the islands (which show the reader's language). Browser-safe and
 * catalogue-free: translate the result with `showText(t, …)`.
 *
 * @module
 */
import type { ShownText } from "./i18n/translate.ts";
import { parseRoomEvent, type RoomEvent } from "./protocol.ts";

/**
 * The catalogue key (`system.<type>`) and placeholder values of `event`.
 *
 * @example
 * ```ts
 * roomEventText({ type: "kicked", user: "mia", by: "adam" });
 * // { key: "system.kicked", params: { user: "mia", by: "adam" } }
 * ```
 */
export function roomEventText(event: RoomEvent): ShownText {
  const { type, ...params } = event;
  return { key: `system.${type}`, params };
}

/**
 * What to show for a system message (or its conversation preview): its `event` in words when
 * this client knows the event, else its stored `text` (messages stored before events, or an
 * event type added after this client was built).
 */
export function systemMessageText(message: { text: string; event?: unknown }): ShownText {
  const event = parseRoomEvent(message.event);
  return event ? roomEventText(event) : message.text;
}
