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
 * `file_ref` entries ({@linkcode backfillAuthorFiles}), in the background of a node's start
 * ({@linkcode startAuthorFilesBackfill}): a KV with millions of files takes minutes to list, and
 * the node serves meanwhile. An account deletion waits for it before it reads the list.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { readMany } from "../kv/kv_read_many.ts";

/**
 * Messages read, checked and listed per commit of the backfill: Deno KV takes at most 100
 * checks in one atomic operation.
 */
const BACKFILL_BATCH = 100;

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
 * KV (a marker key records that it ran, set once it ended): each `file_ref` names a message,
 * which is listed when it is still there with its files. Cheap on every later start: one read.
 * Safe to run in several workers or processes at once, and while messages are deleted: each
 * batch's commit checks the messages it read, so an entry is never written for a message
 * deleted (and its entry dropped) after the read; a batch that fails its check reads again.
 *
 * @returns How many entries it wrote (a message with several files counts once per run).
 */
export async function backfillAuthorFiles(kv: Deno.Kv, clock: Clock): Promise<number> {
  if ((await kv.get(keys.authorFileIndexBuilt())).versionstamp !== null) return 0;
  let written = 0;
  // A message with several files has a `file_ref` each: one key per message.
  let batch = new Map<string, Deno.KvKey>();
  const flush = async () => {
    const messageKeys = [...batch.values()];
    written += await transact("author files backfill", async () => {
      const stored = await readMany<ChatMessage>(kv, messageKeys);
      const atomic = kv.atomic().check(...stored);
      let listed = 0;
      for (const { value: message } of stored) {
        if (!message || !carriesFiles(message)) continue;
        atomic.set(keys.authorFile(message.from, message.room, message.seq), { at: message.at });
        listed++;
      }
      return commit(atomic, () => listed);
    }, { attempts: Infinity });
    batch = new Map();
  };
  for await (const ref of kv.list({ prefix: keys.allFileRefs() })) {
    const { room, seq } = decode.fileRef(ref.key);
    batch.set(`${room}\u0000${seq}`, keys.message(room, seq));
    if (batch.size === BACKFILL_BATCH) await flush();
  }
  if (batch.size > 0) await flush();
  await kv.set(keys.authorFileIndexBuilt(), { at: clock.now() });
  return written;
}

/**
 * Starts {@linkcode backfillAuthorFiles} in the background (a failure is logged with
 * `onError`), for a node's start. The function it returns resolves once the list is complete:
 * when a run of this node has ended (another node's run may still be writing, but only entries
 * this one wrote too, or for messages deleted since). A caller after a failed run starts a new
 * one and waits for it.
 */
export function startAuthorFilesBackfill(
  kv: Deno.Kv,
  clock: Clock,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let run: Promise<unknown> | undefined;
  const listed = async () => {
    run ??= backfillAuthorFiles(kv, clock).catch((error) => {
      run = undefined;
      throw error;
    });
    await run;
  };
  listed().catch(onError);
  return listed;
}

function carriesFiles(message: ChatMessage): boolean {
  return !message.deleted && (message.attachments?.length ?? 0) > 0;
}
