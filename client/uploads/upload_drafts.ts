/**
 * The files chosen for the next message of each room, while they upload: added by the attach
 * button, a drop or a paste; each with its progress, a cancel, and its error, and a retry once
 * failed (a stalled connection, `files.stalled`, or any other failure). A retry after a stall
 * continues: the same prepared (or encrypted) bytes, the thumbnail kept if it was stored, and
 * only the parts the server does not hold yet; removing the file deletes the upload the server
 * kept. Sending takes the finished ones as the message's attachments. The upload code
 * (hashing, canvas, parts) is imported only when the first file is added.
 *
 * @module
 */
import { type ReadonlySignal, type Signal, signal } from "@preact/signals";
import {
  type Attachment,
  cleanFileName,
  type FinishedUpload,
  MAX_ATTACHMENTS,
} from "../../lib/common/attachments.ts";
import type { ShownText } from "../../lib/common/i18n/translate.ts";
import { shownTextOf } from "../error_text.ts";
import type { SealedAttachment, SealedFile } from "../../lib/common/e2e/e2e_file.ts";
import type { PreparedFile } from "./prepare_image.ts";
import type { UploadFileOptions } from "./upload_file.ts";

/** Where a chosen file is: prepared (images re-encoded), sent, waiting for the network, done. */
export type DraftState = "preparing" | "uploading" | "waiting" | "done" | "failed";

/** A file chosen for the next message. */
export interface DraftFile {
  /** Unique per page, for lists and cancels. */
  key: string;
  room: string;
  /** The name the message will show. */
  name: string;
  state: Signal<DraftState>;
  /** Bytes stored on the server so far, out of {@linkcode DraftFile.total}. */
  sent: Signal<number>;
  total: Signal<number>;
  error: Signal<ShownText | null>;
  /** The stored file, once done. */
  attachment?: Attachment;
  abort: AbortController;
}

/**
 * What a draft uploads, and what a retry reuses of the tries before: each step is done once
 * (re-encoding or re-encrypting would give other bytes, which the kept upload would refuse).
 */
interface DraftSource {
  file: File;
  encrypted: boolean;
  /** The file as prepared for upload (images re-encoded without metadata). */
  prepared?: PreparedFile;
  /** An encrypted room's file, sealed under its key. */
  sealed?: SealedFile;
  /** The thumbnail, once stored. */
  thumb?: FinishedUpload;
  /** The upload the server kept when the last try stalled (`UploadStalled`), to resume. */
  kept?: string;
}

let nextKey = 0;

/** The files being attached, for every room. */
export class UploadDrafts {
  readonly #files = signal<readonly DraftFile[]>([]);
  /** What each draft uploads, by key, for a retry. */
  readonly #sources = new Map<string, DraftSource>();

  /** Every chosen file, in the order chosen. */
  get files(): ReadonlySignal<readonly DraftFile[]> {
    return this.#files;
  }

  /** The files chosen in one room. */
  forRoom(room: string): DraftFile[] {
    return this.#files.value.filter((file) => file.room === room);
  }

  /**
   * Starts uploading `files` for `room`; `encrypted` (an end-to-end encrypted room): each is
   * encrypted here first, and its attachment is a {@linkcode SealedAttachment}.
   *
   * @returns `null`, or why not: more than {@linkcode MAX_ATTACHMENTS} files for one message.
   */
  add(room: string, files: readonly File[], encrypted = false): ShownText | null {
    if (files.length === 0) return null;
    if (this.forRoom(room).length + files.length > MAX_ATTACHMENTS) {
      return { key: "files.tooMany", params: { max: MAX_ATTACHMENTS } };
    }
    const added = files.map((file): DraftFile => ({
      key: `file-${nextKey++}`,
      room,
      name: cleanFileName(file.name),
      state: signal("preparing"),
      sent: signal(0),
      total: signal(file.size),
      error: signal(null),
      abort: new AbortController(),
    }));
    this.#files.value = [...this.#files.value, ...added];
    added.forEach((draft, i) => {
      this.#sources.set(draft.key, { file: files[i]!, encrypted });
      this.#start(draft);
    });
    return null;
  }

  /**
   * Uploads a failed file again: after a stall, from the parts the server kept; after any
   * other failure (whose upload was deleted), from the start. Nothing for a file that has not
   * failed.
   */
  retry(key: string): void {
    const draft = this.#files.value.find((file) => file.key === key);
    if (draft?.state.value !== "failed") return;
    draft.error.value = null;
    draft.state.value = "preparing";
    this.#start(draft);
  }

  #start(draft: DraftFile): void {
    const source = this.#sources.get(draft.key)!;
    void (source.encrypted ? uploadSealed(draft, source) : uploadPlain(draft, source));
  }

  /** Cancels a file's upload (deleting what the server stored of it) and removes it. */
  remove(key: string): void {
    const draft = this.#files.value.find((file) => file.key === key);
    if (!draft) return;
    draft.abort.abort();
    const kept = this.#sources.get(key)?.kept;
    if (kept !== undefined) {
      void import("./upload_file.ts").then(({ deleteUpload }) => deleteUpload(kept));
    }
    this.#sources.delete(key);
    this.#files.value = this.#files.value.filter((file) => file !== draft);
  }

  /** Whether the room has files still uploading (or failed, to be removed first). */
  busy(room: string): boolean {
    return this.forRoom(room).some((file) => file.state.value !== "done");
  }

  /**
   * Takes the room's finished files for a message, in order, and clears them; `undefined` when
   * there are none or some are not finished.
   */
  take(room: string): Attachment[] | undefined {
    const drafts = this.forRoom(room);
    if (drafts.length === 0 || this.busy(room)) return undefined;
    this.#files.value = this.#files.value.filter((file) => file.room !== room);
    for (const draft of drafts) this.#sources.delete(draft.key);
    return drafts.map((draft) => draft.attachment!);
  }
}

/**
 * Uploads a file of an ordinary room: prepared (a photo re-encoded without its metadata, with a
 * thumbnail), then its thumbnail and itself.
 */
function uploadPlain(draft: DraftFile, source: DraftSource): Promise<void> {
  return settle(draft, async () => {
    const { prepareFile } = await import("./prepare_image.ts");
    const prepared = source.prepared ??= await prepareFile(source.file);
    const thumbBytes = prepared.thumb?.size ?? 0;
    draft.total.value = prepared.blob.size + thumbBytes;
    draft.state.value = "uploading";
    const thumb = prepared.thumb &&
      (source.thumb ??= await send(source, prepared.thumb, thumbName(prepared.thumb), draft, 0));
    const stored = await send(source, prepared.blob, draft.name, draft, thumbBytes);
    return {
      id: stored.id,
      name: draft.name,
      size: stored.size,
      type: stored.type,
      ...(stored.width ? { width: stored.width, height: stored.height } : {}),
      ...(thumb?.width
        ? { thumb: { id: thumb.id, width: thumb.width, height: thumb.height! } }
        : {}),
    };
  });
}

/**
 * Uploads a file of an encrypted room: its metadata stripped like any photo's, then encrypted
 * under a fresh key; the server gets the ciphertext under a neutral name and type, and no
 * thumbnail (it would show the picture). The key, name, type, size and pixel size stay here,
 * in the attachment, for the MLS message.
 */
function uploadSealed(draft: DraftFile, source: DraftSource): Promise<void> {
  return settle(draft, async () => {
    const [{ prepareFile }, sealing] = await Promise.all([
      import("./prepare_image.ts"),
      import("../../lib/common/e2e/e2e_file.ts"),
    ]);
    const prepared = source.prepared ??= await prepareFile(source.file);
    const plain = new Uint8Array(await prepared.blob.arrayBuffer());
    const sealed = source.sealed ??= await sealing.sealFile(plain);
    const cipher = new Blob([sealed.ciphertext], { type: sealing.E2E_UPLOAD_TYPE });
    draft.total.value = cipher.size;
    draft.state.value = "uploading";
    const stored = await send(source, cipher, sealing.E2E_UPLOAD_NAME, draft, 0);
    const type = prepared.blob.type || sealing.E2E_UPLOAD_TYPE;
    const size = prepared.width ? { width: prepared.width, height: prepared.height! } : {};
    const attachment: SealedAttachment = {
      id: stored.id,
      name: draft.name,
      size: plain.length,
      type,
      ...size,
      sealed: {
        id: stored.id,
        key: sealed.key,
        iv: sealed.iv,
        name: draft.name,
        type,
        size: plain.length,
        ...size,
      },
    };
    return attachment;
  });
}

/** Runs a draft's upload: done with its attachment, or failed with why (unless removed). */
async function settle(draft: DraftFile, upload: () => Promise<Attachment>): Promise<void> {
  try {
    draft.attachment = await upload();
    draft.state.value = "done";
  } catch (error) {
    if (draft.abort.signal.aborted) return;
    draft.error.value = shownTextOf(error);
    draft.state.value = "failed";
  }
}

/**
 * Uploads `blob` of `source`, its progress shown after `offset` bytes: resuming the upload the
 * server kept when the last try stalled, and keeping this one's if it stalls in turn.
 */
async function send(
  source: DraftSource,
  blob: Blob,
  name: string,
  draft: DraftFile,
  offset: number,
): Promise<FinishedUpload> {
  const { uploadFile, UploadStalled } = await import("./upload_file.ts");
  const options: UploadFileOptions = {
    signal: draft.abort.signal,
    onProgress: (sent) => draft.sent.value = offset + sent,
    onWaiting: (waiting) => draft.state.value = waiting ? "waiting" : "uploading",
    resume: source.kept,
  };
  try {
    const stored = await uploadFile(blob, name, options);
    source.kept = undefined;
    return stored;
  } catch (error) {
    source.kept = error instanceof UploadStalled ? error.uploadId : undefined;
    throw error;
  }
}

/** A thumbnail's name, with the extension of its type (the server checks they agree). */
function thumbName(thumb: Blob): string {
  return thumb.type === "image/jpeg"
    ? "thumb.jpg"
    : thumb.type === "image/png"
    ? "thumb.png"
    : "thumb.webp";
}
