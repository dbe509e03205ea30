/**
 * Uploads one file through the upload API (`/api/uploads`): hashes it, declares it (the server
 * refuses an oversized file before any byte), sends its parts, and finishes. A network drop
 * does not start over: once the browser is back online, it asks which parts the server has
 * and sends only the rest. Aborting deletes the upload on the server.
 *
 * @module
 */
import type { FinishedUpload, UploadStatus } from "../../lib/common/attachments.ts";
import { answer, ApiRequestError, request } from "../rooms_api.ts";

/** What {@linkcode uploadFile} reports and obeys. */
export interface UploadFileOptions {
  /** Aborts the upload (and deletes what the server stored of it). */
  signal: AbortSignal;
  /** Bytes the server has stored so far. */
  onProgress: (sent: number) => void;
  /** True while waiting for the network to come back, false once sending again. */
  onWaiting: (waiting: boolean) => void;
}

/** Longest wait between two tries while the server cannot be reached. */
const MAX_RETRY_MS = 10_000;

/**
 * Uploads `blob` as `name`; resolves with the stored file, ready to attach.
 *
 * @throws {ApiRequestError} When the server refuses the file (size, type, limits).
 * @throws {DOMException} `AbortError` when aborted.
 */
export async function uploadFile(
  blob: Blob,
  name: string,
  options: UploadFileOptions,
): Promise<FinishedUpload> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const start = { name, size: bytes.length, type: blob.type, sha256 };
  let status = await retrying(options, () => request<UploadStatus>("POST", "/api/uploads", start));
  const path = `/api/uploads/${encodeURIComponent(status.id)}`;
  const abandon = () => void request("DELETE", path).catch(() => {});
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
          await answer(
            await fetch(`${path}/parts/${index}`, {
              method: "PUT",
              credentials: "same-origin",
              headers: { "content-type": "application/octet-stream" },
              body: part,
              signal: options.signal,
            }),
          );
          stored.add(index);
          options.onProgress(Math.min(stored.size * status.partBytes, bytes.length));
        }
        break;
      } catch (error) {
        if (!isNetworkError(error) || options.signal.aborted) throw error;
      }
      // Cut off: wait to be back, then ask what arrived rather than assume.
      status = await retrying(options, () => request<UploadStatus>("GET", path));
    }
    return await retrying(options, () => request<FinishedUpload>("POST", `${path}/finish`));
  } finally {
    options.signal.removeEventListener("abort", abandon);
  }
}

/** Runs `call` until it gets an answer, waiting for the network between tries. */
async function retrying<T>(options: UploadFileOptions, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    options.signal.throwIfAborted();
    try {
      const result = await call();
      if (attempt > 0) options.onWaiting(false);
      return result;
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      options.onWaiting(true);
      await backOnline(Math.min(MAX_RETRY_MS, 500 * 2 ** attempt), options.signal);
    }
  }
}

/** A request that got no answer (offline, connection reset), not a refusal. */
function isNetworkError(error: unknown): boolean {
  return (error instanceof ApiRequestError && error.status === 0) || error instanceof TypeError;
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
