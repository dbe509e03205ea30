/**
 * System messages: room events (joins, leaves, kicks, bans, renames, topic changes) appended to
 * the room's log through the writer, so they get seqs, reach every subscriber live and stay in
 * history like any message. They are ordinary messages with `kind: "system"` and the reserved
 * sender {@linkcode SYSTEM_SENDER}, which no account can have (user ids are 22 characters).
 * Each carries its {@linkcode RoomEvent}, which clients show in the reader's language, and as
 * its `text` the same event in English ({@linkcode englishEventText}), for readers that do not
 * know the event.
 *
 * @module
 */
import { en } from "../common/i18n/en.ts";
import { createTranslator, showText } from "../common/i18n/translate.ts";
import { serverClientId } from "../common/client_id.ts";
import { type RoomEvent, SYSTEM_SENDER } from "../common/protocol.ts";
import { roomEventText } from "../common/room_event_text.ts";
import type { MessageWriter } from "./message_writer.ts";

/** Appends a system message telling `event` to a room's log; resolves once it is stored. */
export type PostSystemMessage = (room: string, event: RoomEvent) => Promise<void>;

const english = createTranslator("en", en);

/** `event` as an English sentence ("mia was kicked by adam"): a system message's `text`. */
export function englishEventText(event: RoomEvent): string {
  return showText(english, roomEventText(event));
}

/**
 * Returns a {@linkcode PostSystemMessage} writing through `writer`. A failed write is logged,
 * not thrown: the action it describes has already been committed.
 */
export function systemMessages(writer: MessageWriter): PostSystemMessage {
  return async function postSystemMessage(room, event) {
    try {
      await writer.write({
        room,
        from: SYSTEM_SENDER,
        author: SYSTEM_SENDER,
        clientId: serverClientId(),
        text: englishEventText(event),
        kind: "system",
        event,
      });
    } catch (error) {
      console.error(`room events: system message in ${room} not stored`, error);
    }
  };
}
