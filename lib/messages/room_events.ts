/**
 * System messages: room events (joins, leaves, kicks, bans, renames, topic changes) appended to
 * the room's log through the writer, so they get seqs, reach every subscriber live and stay in
 * history like any message. They are ordinary messages with `kind: "system"` and the reserved
 * sender {@linkcode SYSTEM_SENDER}, which no account can have (user ids are 22 characters).
 *
 * @module
 */
import { newId } from "../common/ids.ts";
import type { MessageWriter } from "./message_writer.ts";
import { SYSTEM_SENDER } from "../common/protocol.ts";

/** Appends a system message to a room's log; resolves once it is stored. */
export type PostSystemMessage = (room: string, text: string) => Promise<void>;

/**
 * Returns a {@linkcode PostSystemMessage} writing through `writer`. A failed write is logged,
 * not thrown: the action it describes has already been committed.
 */
export function systemMessages(writer: MessageWriter): PostSystemMessage {
  return async function postSystemMessage(room, text) {
    try {
      await writer.write({
        room,
        from: SYSTEM_SENDER,
        author: SYSTEM_SENDER,
        clientId: newId(),
        text,
        kind: "system",
      });
    } catch (error) {
      console.error(`room events: system message in ${room} not stored`, error);
    }
  };
}
