/**
 * Files and images attached to messages: the shapes and limits shared by the server, the
 * upload API and the browser. Browser-safe (no Deno APIs).
 *
 * A file is uploaded first (`/api/uploads`, in parts of {@linkcode UPLOAD_PART_BYTES}), then
 * named in a `send` frame's `attachments` by its id, the SHA-256 of its bytes in hex. The server
 * fills each {@linkcode Attachment} from its own records: a client names files, nothing more.
 *
 * @module
 */

import type { RecordingMedia } from "./recordings.ts";

/** Most files one message may carry. */
export const MAX_ATTACHMENTS = 10;
/**
 * Bytes of one stored value of a file: under Deno KV's 64 KiB value limit, with room to spare
 * for the value's own encoding.
 */
export const FILE_CHUNK_BYTES = 60 * 1024;
/**
 * Bytes of one uploaded part (the last part may be shorter): 8 stored chunks, written in one KV
 * commit (480 KiB of the 800 KiB a commit may hold). A resumed upload restarts at a part.
 */
export const UPLOAD_PART_BYTES = 8 * FILE_CHUNK_BYTES;
/** Default largest file, in bytes (25 MiB); the server's `MAX_UPLOAD_MB` changes it. */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Largest image the server accepts, in pixels (width × height): 50 megapixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Longest side of a thumbnail, in pixels; a thumbnail is at most one stored chunk. */
export const THUMB_MAX_SIDE = 400;
/** Longest file name kept, in UTF-16 units. */
export const MAX_FILE_NAME = 200;

/** Image types shown inline; every other type is only offered as a download. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** A small preview of an image attachment, itself an uploaded file. */
export interface AttachmentThumb {
  /** File id (SHA-256 hex) of the thumbnail. */
  id: string;
  width: number;
  height: number;
}

/** A file attached to a message, as the server stored it. */
export interface Attachment {
  /** File id: the SHA-256 of its bytes, in lowercase hex. */
  id: string;
  /** File name as the uploader gave it (cleaned of path and control characters). */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Type the server found in the bytes (`application/octet-stream` when unknown). */
  type: string;
  /** Pixel size, for images the server could measure. */
  width?: number;
  height?: number;
  /** A preview for images, made by the sender's browser. */
  thumb?: AttachmentThumb;
  /** A voice or video message: its kind, length and waveform, checked by the server. */
  media?: RecordingMedia;
}

/** What a `send` frame names for each attachment: uploaded file ids, nothing else. */
export interface AttachmentRef {
  id: string;
  /** The file id of the image's thumbnail, uploaded by the same user. */
  thumb?: string;
  /** Makes the file a voice or video message (the server checks its type and length). */
  media?: RecordingMedia;
}

/** A file id: 64 lowercase hex digits. */
export const FILE_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Whether `type` is shown inline (a PNG, JPEG, GIF or WebP image). */
export function isInlineImage(type: string): boolean {
  return INLINE_IMAGE_TYPES.has(type);
}

/**
 * Where a member of `room` downloads an attachment (or its thumbnail, `fileId` being the
 * thumbnail's) of the message at `seq`.
 */
export function attachmentUrl(room: string, seq: number, fileId: string): string {
  return `/api/files/${encodeURIComponent(room)}/${seq}/${fileId}`;
}

/** Body of `POST /api/uploads`: what the browser declares before sending any byte. */
export interface StartUploadRequest {
  name: string;
  size: number;
  /** The type the browser gives (checked against the bytes when the upload finishes). */
  type: string;
  /** SHA-256 of the whole file, in lowercase hex. */
  sha256: string;
}

/** Answer of `POST /api/uploads` and `GET /api/uploads/:id`. */
export interface UploadStatus {
  /** Upload id, for the part, status, finish and cancel calls. */
  id: string;
  /** Bytes per part (the last may be shorter). */
  partBytes: number;
  /** How many parts the file has. */
  parts: number;
  /** Indexes of the parts the server has stored, ascending. */
  stored: number[];
}

/** Answer of `POST /api/uploads/:id/finish`: the stored file, ready to attach. */
export interface FinishedUpload {
  /** File id to name in a `send` frame. */
  id: string;
  size: number;
  type: string;
  width?: number;
  height?: number;
}

/**
 * Cleans an uploaded file's name for storing and showing: the last path segment, without
 * control or direction characters, trimmed and cut to {@linkcode MAX_FILE_NAME}; `"file"` when
 * nothing is left. The server stores this; the browser shows the same before the echo.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .trim().slice(0, MAX_FILE_NAME);
  return clean === "" || clean === "." || clean === ".." ? "file" : clean;
}
