/**
 * Chunked, resumable uploads into Deno KV. An upload is started with the file's name, size,
 * type and SHA-256, refused before any byte when over the size limit or the user's limits; its
 * parts may arrive in any order and again (a retry rewrites the same part); its status lists
 * the stored parts, so a browser cut off mid-way resumes from there; its finish checks the
 * hash and the real type and stores the file once per content.
 *
 * The finish never skips the bytes of a file already stored: an uploader proves they have the
 * bytes by sending them, so knowing a hash is not enough to attach someone else's file.
 *
 * @module
 */
import {
  cleanFileName,
  FILE_ID_PATTERN,
  type FinishedUpload,
  type StartUploadRequest,
  UPLOAD_PART_BYTES,
  type UploadStatus,
} from "../common/attachments.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { commitAsAccount } from "../accounts/accounts.ts";
import type { WindowCounter } from "../limits/window_counter.ts";
import { deleteAll, deleteBlob, readBlob, setPartChunks } from "./blob_chunks.ts";
import type { FileClaim, FileRecord, UploadSession } from "./file_record.ts";
import { sniffFile } from "./file_type.ts";

/** How long an unfinished upload is kept, and how long a finished one may be attached. */
export const UPLOAD_TTL_MS = 24 * 3_600_000;

/** The limits of {@linkcode Uploads}. */
export interface UploadLimits {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Unfinished uploads per user. */
  inFlight: number;
  /** Uploads a user may start per hour. */
  perHour: number;
}

const NO_SUCH_UPLOAD = refusal(404, "refusal.noSuchUpload");

/** The upload API's service. */
export class Uploads {
  #kv: Deno.Kv;
  #clock: Clock;
  #limits: UploadLimits;
  #started: WindowCounter;

  /** Uploads into `kv`; `started` counts starts per hour (its window must be an hour). */
  constructor(kv: Deno.Kv, clock: Clock, limits: UploadLimits, started: WindowCounter) {
    this.#kv = kv;
    this.#clock = clock;
    this.#limits = limits;
    this.#started = started;
  }

  /** Starts an upload, or refuses it before any byte is sent. */
  async start(userId: string, request: StartUploadRequest): Promise<Outcome<UploadStatus>> {
    const { size, sha256 } = request;
    if (!Number.isSafeInteger(size) || size < 1) return refusal(400, "refusal.uploadEmpty");
    if (size > this.#limits.maxBytes) {
      return refusal(413, "refusal.fileTooLarge", { max: this.#limits.maxBytes / 1048576 });
    }
    if (!FILE_ID_PATTERN.test(sha256)) return refusal(400, "refusal.uploadHash");
    const wait = await this.#started.blockedFor(keys.uploadsStarted(userId), this.#limits.perHour);
    if (wait > 0) return { ...refusal(429, "refusal.tooManyUploads"), retryAfterSeconds: wait };
    const now = this.#clock.now();
    let inFlight = 0;
    for await (
      const entry of this.#kv.list<{ expiresAt: number }>({
        prefix: keys.userUploads(userId),
      })
    ) {
      if (entry.value.expiresAt > now) inFlight++;
    }
    if (inFlight >= this.#limits.inFlight) return refusal(429, "refusal.tooManyUploads");
    const session: UploadSession = {
      id: newId(),
      userId,
      name: cleanFileName(request.name),
      size,
      declaredType: request.type.slice(0, 100),
      sha256,
      parts: Math.ceil(size / UPLOAD_PART_BYTES),
      createdAt: now,
      expiresAt: now + UPLOAD_TTL_MS,
    };
    // Not once the account's deletion began: it lists the user's uploads after its mark.
    const started = await commitAsAccount(
      this.#kv,
      userId,
      "start upload",
      (atomic) => {
        atomic.set(keys.upload(session.id), session).set(
          keys.userUpload(userId, session.id),
          { expiresAt: session.expiresAt },
          { expireIn: UPLOAD_TTL_MS },
        );
      },
    );
    if (!("versionstamp" in started)) return started;
    await this.#started.add(keys.uploadsStarted(userId), userId);
    return { ok: true, ...statusOf(session, []) };
  }

  /** Stores part `index`; it must have exactly the part's length. A retry rewrites it. */
  async putPart(
    userId: string,
    uploadId: string,
    index: number,
    bytes: Uint8Array,
  ): Promise<Outcome> {
    const entry = await this.#kv.get<UploadSession>(keys.upload(uploadId));
    const session = entry.value;
    if (!session || session.userId !== userId) return NO_SUCH_UPLOAD;
    if (!Number.isSafeInteger(index) || index < 0 || index >= session.parts) {
      return refusal(400, "refusal.uploadPart");
    }
    const expected = Math.min(UPLOAD_PART_BYTES, session.size - index * UPLOAD_PART_BYTES);
    if (bytes.length !== expected) return refusal(400, "refusal.uploadPart");
    // Checked against the session, so a part that lands after a cancel leaves no chunk behind.
    const atomic = setPartChunks(this.#kv.atomic().check(entry), session.id, index, bytes)
      .set(keys.uploadPart(session.id, index), { bytes: bytes.length });
    const result = await commitAtomic(atomic);
    return result.ok ? { ok: true } : NO_SUCH_UPLOAD;
  }

  /** Which parts of an upload are stored. */
  async status(userId: string, uploadId: string): Promise<Outcome<UploadStatus>> {
    const session = await this.#session(userId, uploadId);
    if (!session) return NO_SUCH_UPLOAD;
    return { ok: true, ...statusOf(session, await this.#storedParts(session.id)) };
  }

  /**
   * Checks the bytes against the declared size and hash and their real type, then stores the
   * file (or, when the same bytes are stored already, keeps that copy and drops these) and
   * lets the uploader attach it. A refused finish deletes the upload.
   */
  async finish(userId: string, uploadId: string): Promise<Outcome<FinishedUpload>> {
    const session = await this.#session(userId, uploadId);
    if (!session) return NO_SUCH_UPLOAD;
    if ((await this.#storedParts(session.id)).length !== session.parts) {
      return refusal(409, "refusal.uploadIncomplete");
    }
    const bytes = await readBlob(this.#kv, session.id, session.size);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
    if (sha256 !== session.sha256) {
      await this.#delete(session);
      return refusal(400, "refusal.uploadHashMismatch");
    }
    const sniffed = await sniffFile(bytes, session.name, session.declaredType);
    if (!sniffed.ok) {
      await this.#delete(session);
      return sniffed;
    }
    const now = this.#clock.now();
    // Checked against the upload: an account deletion deletes it (`forget`) before the claims.
    const file = await transact("finish upload", async () => {
      const [existing, current] = await this.#kv.getMany<[FileRecord, UploadSession]>([
        keys.file(sha256),
        keys.upload(session.id),
      ]);
      // Finished or cancelled meanwhile by another request: its bytes are not ours to keep.
      if (!current.value) return undefined;
      const record: FileRecord = existing.value ? { ...existing.value, touchedAt: now } : {
        id: sha256,
        blob: session.id,
        size: session.size,
        type: sniffed.type,
        ...(sniffed.width ? { width: sniffed.width, height: sniffed.height } : {}),
        touchedAt: now,
      };
      const claim: FileClaim = { name: session.name, at: now };
      const atomic = this.#kv.atomic().check(existing, current).set(keys.file(sha256), record)
        .set(keys.fileClaim(userId, sha256), claim, { expireIn: UPLOAD_TTL_MS })
        .delete(keys.upload(session.id)).delete(keys.userUpload(userId, session.id));
      return commit(atomic, () => record);
    });
    if (!file) return NO_SUCH_UPLOAD;
    await deleteAll(this.#kv, keys.uploadParts(session.id));
    if (file.blob !== session.id) await deleteBlob(this.#kv, session.id);
    const { id, size, type, width, height } = file;
    return { ok: true, id, size, type, ...(width ? { width, height } : {}) };
  }

  /** Stops an upload and deletes what it stored. */
  async cancel(userId: string, uploadId: string): Promise<Outcome> {
    const session = await this.#session(userId, uploadId);
    if (!session) return NO_SUCH_UPLOAD;
    await this.#delete(session);
    return { ok: true };
  }

  /**
   * Forgets a deleted account's files: its uploads in progress (with their chunks) and its
   * claims (the right to attach an upload). Stored files stay while a message uses them;
   * the sweeper deletes the rest.
   */
  async forget(userId: string): Promise<void> {
    for await (const entry of this.#kv.list({ prefix: keys.userUploads(userId) })) {
      const session = await this.#session(userId, decode.userUpload(entry.key));
      if (session) await this.#delete(session);
    }
    await deleteAll(this.#kv, keys.fileClaims(userId));
    await deleteAll(this.#kv, keys.userUploads(userId));
  }

  /** Deletes uploads past their expiry, with their chunks; the sweeper calls it. */
  async expireAbandoned(): Promise<number> {
    const now = this.#clock.now();
    let expired = 0;
    for await (const entry of this.#kv.list<UploadSession>({ prefix: keys.uploads() })) {
      if (entry.value.expiresAt > now) continue;
      await this.#delete(entry.value);
      expired++;
    }
    return expired;
  }

  async #session(userId: string, uploadId: string): Promise<UploadSession | undefined> {
    const session = (await this.#kv.get<UploadSession>(keys.upload(uploadId))).value;
    return session?.userId === userId ? session : undefined;
  }

  async #storedParts(uploadId: string): Promise<number[]> {
    const stored: number[] = [];
    for await (const entry of this.#kv.list({ prefix: keys.uploadParts(uploadId) })) {
      stored.push(decode.uploadPart(entry.key));
    }
    return stored;
  }

  /** Deletes an upload: the session first, so no part can be added after. */
  async #delete(session: UploadSession): Promise<void> {
    await commitAtomic(
      this.#kv.atomic().delete(keys.upload(session.id))
        .delete(keys.userUpload(session.userId, session.id)),
    );
    await deleteAll(this.#kv, keys.uploadParts(session.id));
    await deleteBlob(this.#kv, session.id);
  }
}

function statusOf(session: UploadSession, stored: number[]): UploadStatus {
  return { id: session.id, partBytes: UPLOAD_PART_BYTES, parts: session.parts, stored };
}
