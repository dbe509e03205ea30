/**
 * Garbage collection of files: a file that no remaining message uses is deleted, once no
 * upload of it is recent enough to be attached still. Messages record their use of a file as
 * `file_ref` entries written with the message; the sweeper checks each entry against the
 * message it names (gone with a deleted room, deleted, or no longer carrying the file) and
 * drops the stale ones, so it finds unused files by itself even when nobody told it.
 * {@linkcode releaseAttachments} drops a deleted message's entries at once.
 *
 * Why a file with no reference is safe to delete: a send may attach a file only under its
 * uploader's claim, which lasts {@linkcode UPLOAD_TTL_MS} from the upload's finish, and every
 * finish renews the file's `touchedAt`. The sweeper keeps a file for {@linkcode SWEEP_GRACE_MS}
 * after that, longer than any claim, so no send can be about to reference a file it deletes.
 *
 * @module
 */
import type { Clock } from "../common/clock.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { deleteBlob } from "./blob_chunks.ts";
import type { FileRecord } from "./file_record.ts";
import { UPLOAD_TTL_MS, type Uploads } from "./uploads.ts";

/** How long after its last upload an unused file is kept: a claim's life, and an hour. */
export const SWEEP_GRACE_MS = UPLOAD_TTL_MS + 3_600_000;
/** How often each node sweeps. Sweeps of several nodes at once are harmless, only wasted. */
export const SWEEP_INTERVAL_MS = 3_600_000;

/** What one sweep removed. */
export interface SweepResult {
  /** Files deleted with their bytes. */
  files: number;
  /** Stale `file_ref` entries dropped. */
  refs: number;
  /** Abandoned uploads deleted. */
  uploads: number;
}

/**
 * Drops the `file_ref` entries of a message (when it is deleted or its files removed), and its
 * `author_file` entry, so the sweeper need not find them stale and its author's account deletion
 * need not read it. Safe to call more than once.
 */
export async function releaseAttachments(kv: Deno.Kv, message: ChatMessage): Promise<void> {
  const atomic = kv.atomic().delete(keys.authorFile(message.from, message.room, message.seq));
  for (const attachment of message.attachments ?? []) {
    atomic.delete(keys.fileRef(attachment.id, message.room, message.seq));
    if (attachment.thumb) {
      atomic.delete(keys.fileRef(attachment.thumb.id, message.room, message.seq));
    }
  }
  await commitAtomic(atomic);
}

/** Deletes unused files and abandoned uploads, periodically and when asked. */
export class FileSweeper {
  #kv: Deno.Kv;
  #clock: Clock;
  #uploads: Pick<Uploads, "expireAbandoned">;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<SweepResult> | undefined;
  #again = false;

  /** Sweeps `kv`; `uploads` expires the abandoned uploads. */
  constructor(kv: Deno.Kv, clock: Clock, uploads: Pick<Uploads, "expireAbandoned">) {
    this.#kv = kv;
    this.#clock = clock;
    this.#uploads = uploads;
  }

  /** Sweeps every `intervalMs` until {@linkcode stop}. */
  start(intervalMs = SWEEP_INTERVAL_MS): void {
    this.#timer ??= setInterval(() => this.requestSweep(), intervalMs);
  }

  /** Stops the periodic sweep and waits for a running one. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#again = false;
    await this.#running?.catch(() => {});
  }

  /**
   * Sweeps soon (after a room was deleted): at once, or after the running sweep when one is
   * under way. Never throws; a failed sweep is logged and the next one tries again.
   */
  requestSweep(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.sweep().catch((error) => {
      console.error("file sweeper: sweep failed", error);
      return { files: 0, refs: 0, uploads: 0 };
    }).finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.requestSweep();
      }
    });
  }

  /** Waits for the sweep under way, if any (tests use it after a room deletion). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** One full sweep: abandoned uploads, stale references, unused files. */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { files: 0, refs: 0, uploads: 0 };
    result.uploads = await this.#uploads.expireAbandoned();
    const now = this.#clock.now();
    for await (const entry of this.#kv.list<FileRecord>({ prefix: keys.files() })) {
      const fileId = decode.file(entry.key);
      const { live, stale } = await this.#references(fileId);
      if (stale.length > 0) {
        const atomic = this.#kv.atomic();
        for (const key of stale) atomic.delete(key);
        await commitAtomic(atomic);
        result.refs += stale.length;
      }
      if (live > 0 || entry.value.touchedAt + SWEEP_GRACE_MS > now) continue;
      // Checked: an upload of the same bytes meanwhile renews `touchedAt` and keeps the file.
      const deleted = await commitAtomic(this.#kv.atomic().check(entry).delete(entry.key));
      if (!deleted.ok) continue;
      await deleteBlob(this.#kv, entry.value.blob);
      result.files++;
    }
    return result;
  }

  /** How many messages still use a file, and the keys of the references that are stale. */
  async #references(fileId: string): Promise<{ live: number; stale: Deno.KvKey[] }> {
    let live = 0;
    const stale: Deno.KvKey[] = [];
    for await (const ref of this.#kv.list({ prefix: keys.fileRefs(fileId) })) {
      const { room, seq } = decode.fileRef(ref.key);
      const message = (await this.#kv.get<ChatMessage>(keys.message(room, seq))).value;
      if (message && usesFile(message, fileId)) live++;
      else stale.push(ref.key);
    }
    return { live, stale };
  }
}

/** Whether a stored message still carries the file (a deleted message carries none). */
function usesFile(message: ChatMessage, fileId: string): boolean {
  if ((message as { deleted?: unknown }).deleted) return false;
  return (message.attachments ?? []).some((attachment) =>
    attachment.id === fileId || attachment.thumb?.id === fileId
  );
}
