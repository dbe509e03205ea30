/**
 * Who may download a file: a member of the room, for a file attached to a message there.
 * Checked on every request, so a member who leaves (or is kicked) loses access at once, and
 * knowing a file's id gives nothing.
 *
 * @module
 */
import type { Attachment } from "../common/attachments.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import { keys } from "../kv/kv_keys.ts";
import type { Rooms } from "../rooms/rooms.ts";
import type { FileRecord } from "./file_record.ts";
import { streamBlob } from "./blob_chunks.ts";

/** A file a requester may download, and the name to offer it under. */
export interface Downloadable {
  file: FileRecord;
  name: string;
}

/** The same answer for a room, message or file the requester may not see, or that is not. */
const NO_SUCH_FILE = refusal(404, "refusal.noSuchFile");

/** Checks downloads against memberships and messages. */
export class FileAccess {
  #kv: Deno.Kv;
  #rooms: Pick<Rooms, "isMember">;

  /** Reads from `kv`; membership through `rooms`. */
  constructor(kv: Deno.Kv, rooms: Pick<Rooms, "isMember">) {
    this.#kv = kv;
    this.#rooms = rooms;
  }

  /**
   * The file `fileId`, attached (as a file or its thumbnail) to the message at `seq` in
   * `room`, when `userId` is a member of the room; else a 404 that tells nothing more.
   */
  async find(
    userId: string,
    room: string,
    seq: number,
    fileId: string,
  ): Promise<Outcome<Downloadable>> {
    if (!Number.isSafeInteger(seq) || seq < 1) return NO_SUCH_FILE;
    const [member, entry] = await Promise.all([
      this.#rooms.isMember(room, userId),
      this.#kv.get<ChatMessage>(keys.message(room, seq)),
    ]);
    const message = entry.value;
    if (!member || !message || (message as { deleted?: unknown }).deleted) return NO_SUCH_FILE;
    const attachment = message.attachments?.find((item) =>
      item.id === fileId || item.thumb?.id === fileId
    );
    if (!attachment) return NO_SUCH_FILE;
    const file = (await this.#kv.get<FileRecord>(keys.file(fileId))).value;
    if (!file) return NO_SUCH_FILE;
    return { ok: true, file, name: nameOf(attachment, fileId) };
  }

  /** Bytes `start` to `end` (inclusive) of a file {@linkcode find} gave. */
  read(file: FileRecord, start: number, end: number): ReadableStream<Uint8Array> {
    return streamBlob(this.#kv, file.blob, start, end);
  }
}

/** The attachment's name, or for its thumbnail the name with a `.thumb` mark. */
function nameOf(attachment: Attachment, fileId: string): string {
  return attachment.id === fileId ? attachment.name : `thumb-${attachment.name}`;
}
