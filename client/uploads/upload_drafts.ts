/**
 * The files chosen for the next message of each room, while they upload: added by the attach
 * button, a drop or a paste; each with its progress, a cancel, and its error. Sending takes
 * the finished ones as the message's attachments. The upload code (hashing, canvas, parts) is
 * imported only when the first file is added.
 *
 * @module
 */
import { type ReadonlySignal, type Signal, signal } from "@preact/signals";
import { type Attachment, cleanFileName, MAX_ATTACHMENTS } from "../../lib/common/attachments.ts";
import type { ShownText } from "../../lib/common/i18n/translate.ts";
import { shownTextOf } from "../error_text.ts";

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

let nextKey = 0;

/** The files being attached, for every room. */
export class UploadDrafts {
  readonly #files = signal<readonly DraftFile[]>([]);

  /** Every chosen file, in the order chosen. */
  get files(): ReadonlySignal<readonly DraftFile[]> {
    return this.#files;
  }

  /** The files chosen in one room. */
  forRoom(room: string): DraftFile[] {
    return this.#files.value.filter((file) => file.room === room);
  }

  /**
   * Starts uploading `files` for `room`.
   *
   * @returns `null`, or why not: more than {@linkcode MAX_ATTACHMENTS} files for one message.
   */
  add(room: string, files: readonly File[]): ShownText | null {
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
    added.forEach((draft, i) => void this.#upload(draft, files[i]!));
    return null;
  }

  /** Cancels a file's upload and removes it from the next message. */
  remove(key: string): void {
    const draft = this.#files.value.find((file) => file.key === key);
    if (!draft) return;
    draft.abort.abort();
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
    return drafts.map((draft) => draft.attachment!);
  }

  async #upload(draft: DraftFile, file: File): Promise<void> {
    const { signal: abortSignal } = draft.abort;
    try {
      const [{ prepareFile }, { uploadFile }] = await Promise.all([
        import("./prepare_image.ts"),
        import("./upload_file.ts"),
      ]);
      const prepared = await prepareFile(file);
      const thumbBytes = prepared.thumb?.size ?? 0;
      draft.total.value = prepared.blob.size + thumbBytes;
      draft.state.value = "uploading";
      const options = (offset: number) => ({
        signal: abortSignal,
        onProgress: (sent: number) => draft.sent.value = offset + sent,
        onWaiting: (waiting: boolean) => draft.state.value = waiting ? "waiting" : "uploading",
      });
      const thumb = prepared.thumb &&
        await uploadFile(prepared.thumb, thumbName(prepared.thumb), options(0));
      const stored = await uploadFile(prepared.blob, draft.name, options(thumbBytes));
      draft.attachment = {
        id: stored.id,
        name: draft.name,
        size: stored.size,
        type: stored.type,
        ...(stored.width ? { width: stored.width, height: stored.height } : {}),
        ...(thumb?.width
          ? { thumb: { id: thumb.id, width: thumb.width, height: thumb.height! } }
          : {}),
      };
      draft.state.value = "done";
    } catch (error) {
      if (abortSignal.aborted) return;
      draft.error.value = shownTextOf(error);
      draft.state.value = "failed";
    }
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
