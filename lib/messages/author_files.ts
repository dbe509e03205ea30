/**
 * The messages with files each user wrote, listed under their author
 * (`["author_file", userId, roomId, seq]`), for their account's deletion, which must find them
 * in the rooms the user has left too: nothing else records that they were ever there, and
 * reading every room's log would cost the whole KV. The commit that stores such a message writes
 * its entry (`message_store_kv.ts`, one more write for a message with files only), and the
 * release of a deleted message's files drops it (`releaseAttachments`). An entry may outlive
 * its message (its room deleted, a release a crash skipped): a reader checks each one against the
 * message as stored.
 *
 * Messages stored before the list existed (2026-12-03) are listed once per KV, from their
 * `file_ref` entries ({@linkcode backfillAuthorFiles}).
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { readMany } from "../kv/kv_read_many.ts";

/** Messages read, and entries written, per commit of the backfill. */
const BACKFILL_BATCH = 200;

/**
 * The messages `userId` wrote that still carry files (not deleted), in every room they wrote
 * them in, by their `author_file` entries; with the keys of every entry read, stale ones
 * included, for the caller to delete once it has dealt with the messages.
 */
export async function messagesWithFilesBy(
  kv: Deno.Kv,
  userId: string,
): Promise<{ messages: ChatMessage[]; entries: Deno.KvKey[] }> {
  const entries: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix: keys.authorFiles(userId) })) entries.push(entry.key);
  const stored = await readMany<ChatMessage>(
    kv,
    entries.map((key) => decode.authorFile(key)).map(({ room, seq }) => keys.message(room, seq)),
  );
  const messages = stored.map((entry) => entry.value).filter((message): message is ChatMessage =>
    message?.from === userId && carriesFiles(message)
  );
  return { messages, entries };
}

/**
 * Lists under their authors the messages with files stored before the list existed, once per
 * KV (a marker key records that it ran): each `file_ref` names a message, which is listed when
 * it is still there with its files. Cheap on every later start: one read.
 *
 * @returns How many entries it wrote (a message with several files may count more than once).
 */
export async function backfillAuthorFiles(kv: Deno.Kv, clock: Clock): Promise<number> {
  if ((await kv.get(keys.authorFileIndexBuilt())).versionstamp !== null) return 0;
  let written = 0;
  let batch: { room: string; seq: number }[] = [];
  const flush = async () => {
    const stored = await readMany<ChatMessage>(
      kv,
      batch.map(({ room, seq }) => keys.message(room, seq)),
    );
    const atomic = kv.atomic();
    for (const { value: message } of stored) {
      if (!message || !carriesFiles(message)) continue;
      atomic.set(keys.authorFile(message.from, message.room, message.seq), { at: message.at });
      written++;
    }
    await commitAtomic(atomic);
    batch = [];
  };
  for await (const ref of kv.list({ prefix: keys.allFileRefs() })) {
    batch.push(decode.fileRef(ref.key));
    if (batch.length === BACKFILL_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await kv.set(keys.authorFileIndexBuilt(), { at: clock.now() });
  return written;
}

function carriesFiles(message: ChatMessage): boolean {
  return !message.deleted && (message.attachments?.length ?? 0) > 0;
}
