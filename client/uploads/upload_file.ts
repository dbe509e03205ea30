/**
 * Uploads one file through the upload API (`/api/uploads`): hashes it, declares it (the server
 * refuses an oversized file before any byte), sends its parts, and finishes. A network drop
 * does not start over: once the browser is back online, it asks which parts the server has
 * and sends only the rest. Aborting deletes the upload on the server.
 *
 * A part PUT has a deadline ({@linkcode partTimeoutMs}: 90 s for a whole part, scaled by size
 * for a phone on a slow link), since a connection that stalls mid-part (the network gone
 * without a reset, a proxy that hangs) would otherwise never end. A part that misses it, or
 * that the server gave up reading (408), is a transient failure like a drop: the upload asks
 * what arrived and goes on. {@linkcode MAX_STALLS} timeouts in a row with no part stored in
 * between (unless the caller says otherwise) end the upload with {@linkcode UploadStalled}
 * (`files.stalled`), for the draft to offer retry or remove. The server keeps that upload with
 * its parts: a retry passes its id as `resume` and sends only the parts still missing (a 40 MB
 * video on a bad connection continues where it stopped); a removal deletes it
 * ({@linkcode deleteUpload}); one left alone expires with the other unfinished uploads (24 h,
 * `UPLOAD_TTL_MS`). Any other failure deletes the upload at once.
 *
 * @module
 */
import type { FinishedUpload, UploadStatus } from "../../lib/common/attachments.ts";
import { partTimeoutMs } from "../../lib/common/part_timeout.ts";
import { answer, ApiRequestError, request } from "../rooms_api.ts";

/** What {@linkcode uploadFile} reports and obeys. */
export interface UploadFileOptions {
  /** Aborts the upload (and deletes what the server stored of it). */
  signal: AbortSignal;
  /** Bytes the server has stored so far. */
  onProgress: (sent: number) => void;
  /** True while waiting for the network to come back, false once sending again. */
  onWaiting: (waiting: boolean) => void;
  /** How long a part PUT of so many bytes may take: {@linkcode partTimeoutMs} unless a test says. */
  partTimeoutMs?: (bytes: number) => number;
  /** Where the API is: this page's origin (`""`) unless a test says otherwise. */
  origin?: string;
  /**
   * Timeouts in a row after which the upload fails: {@linkcode MAX_STALLS} unless the caller
   * would rather keep trying every deadline until the network carries it (`Infinity`).
   */
  maxStalls?: number;
  /**
   * The id of an upload of the same bytes that stalled before ({@linkcode UploadStalled}):
   * continued from the parts the server holds, or started anew if the server no longer has it.
   */
  resume?: string;
}

/**
 * `files.stalled`: the upload gave up after {@linkcode MAX_STALLS} timeouts in a row, and the
 * server keeps what it stored, for a retry to resume (`resume: uploadId`) or a removal to delete.
 */
export class UploadStalled extends ApiRequestError {
  /** The upload kept on the server. */
  readonly uploadId: string;

  /** @param uploadId The upload kept on the server. */
  constructor(uploadId: string) {
    super({ key: "files.stalled" }, 0);
    this.name = "UploadStalled";
    this.uploadId = uploadId;
  }
}

/** Longest wait between two tries while the server cannot be reached. */
const MAX_RETRY_MS = 10_000;

/**
 * Timeouts in a row, with no part stored in between, after which an upload fails with
 * `files.stalled`: 3, so a whole part gets 4.5 minutes without progress (three tries of 90 s)
 * before the person is told, and a small file about 1.5 minutes.
 */
export const MAX_STALLS = 3;

/**
 * Uploads `blob` as `name`; resolves with the stored file, ready to attach.
 *
 * @throws {ApiRequestError} When the server refuses the file (size, type, limits).
 * @throws {UploadStalled} After {@linkcode MAX_STALLS} timeouts in a row (the upload is kept).
 * @throws {DOMException} `AbortError` when aborted.
 */
export async function uploadFile(
  blob: Blob,
  name: string,
  options: UploadFileOptions,
): Promise<FinishedUpload> {
  const origin = options.origin ?? "";
  const deadline = options.partTimeoutMs ?? partTimeoutMs;
  const maxStalls = options.maxStalls ?? MAX_STALLS;
  let stalls = 0;
  // Kept on the server past a stall: the one being resumed, until another is started.
  let uploadId = options.resume;
  // What a retry may fix passes; a timeout counts towards giving up.
  const transient = (error: unknown): void => {
    if (options.signal.aborted || !isNetworkError(error)) throw error;
    if (isTimeout(error) && ++stalls >= maxStalls) {
      throw uploadId === undefined
        ? new ApiRequestError({ key: "files.stalled" }, 0)
        : new UploadStalled(uploadId);
    }
  };
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const resume = options.resume;
  let status = resume === undefined ? undefined : await retrying(
    options,
    transient,
    () => request<UploadStatus>("GET", uploadPath(origin, resume)),
  ).catch((error: unknown) => {
    // Expired (a day after it began) or deleted meanwhile: start again.
    if (!(error instanceof ApiRequestError) || error.status !== 404) throw error;
    uploadId = undefined;
    return undefined;
  });
  if (status === undefined) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
    const start = { name, size: bytes.length, type: blob.type, sha256 };
    status = await retrying(
      options,
      transient,
      () => request<UploadStatus>("POST", `${origin}/api/uploads`, start),
    );
  }
  const id = uploadId = status.id;
  const path = uploadPath(origin, id);
  const abandon = () => void deleteUpload(id, origin);
  options.signal.addEventListener("abort", abandon, { once: true });
  try {
    while (true) {
      const stored = new Set(status.stored);
      options.onProgress(Math.min(stored.size * status.partBytes, bytes.length));
      const missing = [...Array(status.parts).keys()].filter((index) => !stored.has(index));
      if (missing.length === 0) break;
      try {
        for (const index of missing) {
          const part = bytes.subarray(index * status.partBytes, (index + 1) * status.partBytes);
          await putPart(`${path}/parts/${index}`, part, deadline(part.length), options.signal);
          stalls = 0;
          stored.add(index);
          options.onProgress(Math.min(stored.size * status.partBytes, bytes.length));
        }
        break;
      } catch (error) {
        transient(error);
      }
      // Cut off or timed out: wait to be back, then ask what arrived rather than assume.
      status = await retrying(options, transient, () => request<UploadStatus>("GET", path));
    }
    return await retrying(
      options,
      transient,
      () => request<FinishedUpload>("POST", `${path}/finish`),
    );
  } catch (error) {
    // Given up for another reason than a stall: the unfinished upload, which no retry will
    // resume, would count against the user's limit for a day.
    if (!options.signal.aborted && !(error instanceof UploadStalled)) abandon();
    throw error;
  } finally {
    options.signal.removeEventListener("abort", abandon);
  }
}

/**
 * Deletes an unfinished upload on the server (one kept after {@linkcode UploadStalled}, when its
 * draft is removed); a failure is ignored, the upload then expires with the others.
 *
 * @param uploadId The upload's id.
 * @param origin Where the API is: this page's origin (`""`) unless a test says otherwise.
 */
export async function deleteUpload(uploadId: string, origin = ""): Promise<void> {
  await request("DELETE", uploadPath(origin, uploadId)).catch(() => {});
}

function uploadPath(origin: string, uploadId: string): string {
  return `${origin}/api/uploads/${encodeURIComponent(uploadId)}`;
}

/**
 * PUTs one part; no answer within `ms` is `error.timeout` (status 0), as for `request()`. The
 * timer is a `setTimeout` (not `AbortSignal.timeout`) so that a test's fake clock drives it.
 */
async function putPart(url: string, part: Uint8Array, ms: number, signal: AbortSignal) {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  const unanswered = (): never => {
    signal.throwIfAborted();
    throw new ApiRequestError(
      { key: deadline.signal.aborted ? "error.timeout" : "error.network" },
      0,
    );
  };
  try {
    const response = await fetch(url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "content-type": "application/octet-stream" },
      body: part as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.any([signal, deadline.signal]),
    }).catch(unanswered);
    await answer(response, unanswered);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `call` until it gets an answer, waiting for the network between tries; `transient`
 * rethrows the failures a retry cannot fix.
 */
async function retrying<T>(
  options: UploadFileOptions,
  transient: (error: unknown) => void,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    options.signal.throwIfAborted();
    try {
      const result = await call();
      if (attempt > 0) options.onWaiting(false);
      return result;
    } catch (error) {
      transient(error);
      options.onWaiting(true);
      await backOnline(Math.min(MAX_RETRY_MS, 500 * 2 ** attempt), options.signal);
    }
  }
}

/** A request that got no answer (offline, reset, timed out) or whose body the server gave up on. */
function isNetworkError(error: unknown): boolean {
  return (error instanceof ApiRequestError && (error.status === 0 || error.status === 408)) ||
    error instanceof TypeError;
}

/** A request that took too long: ours (`error.timeout`) or the server's 408. */
function isTimeout(error: unknown): boolean {
  return error instanceof ApiRequestError &&
    (error.status === 408 ||
      (typeof error.text !== "string" && error.text.key === "error.timeout"));
}

/** Resolves when the browser comes back online, or after `ms` (it may not say it was off). */
function backOnline(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      globalThis.removeEventListener("online", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    globalThis.addEventListener("online", done);
    signal.addEventListener("abort", done);
  });
}
