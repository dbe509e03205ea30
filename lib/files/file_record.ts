/**
 * The stored shapes of files and uploads (see `lib/kv/kv_keys.ts` for where each lives).
 *
 * @module
 */

/** A stored file, keyed by the SHA-256 of its bytes (`keys.file`). */
export interface FileRecord {
  /** SHA-256 of the bytes, lowercase hex. */
  id: string;
  /** Id under which the bytes' chunks are stored (`keys.fileChunk`). */
  blob: string;
  size: number;
  /** The type found in the bytes. */
  type: string;
  width?: number;
  height?: number;
  /** When an upload last brought these bytes: the sweeper keeps the file a while after. */
  touchedAt: number;
}

/** An upload in progress (`keys.upload`). */
export interface UploadSession {
  id: string;
  userId: string;
  /** The cleaned file name. */
  name: string;
  size: number;
  /** The type the browser declared. */
  declaredType: string;
  /** The SHA-256 the browser declared; the finish checks the bytes against it. */
  sha256: string;
  /** How many parts the file has. */
  parts: number;
  createdAt: number;
  /** After this the sweeper deletes the upload and its chunks. */
  expiresAt: number;
}

/** The uploader may attach the file until the claim expires (`keys.fileClaim`). */
export interface FileClaim {
  /** The name the uploader gave the file. */
  name: string;
  at: number;
}
