/**
 * Downloads and decrypts the files of an encrypted room's messages, once each per page, and
 * keeps them as blob URLs the timeline shows like any attachment (an image's preview is the
 * decrypted image itself: no thumbnail was uploaded). Part of the lazy E2E chunk.
 *
 * @module
 */
import { attachmentUrl } from "../../lib/common/attachments.ts";
import type { E2eFile } from "../../lib/common/e2e/e2e_content.ts";
import { openFile } from "../../lib/common/e2e/e2e_file.ts";

/** The decrypted files of one room. */
export class FileOpener {
  readonly #room: string;
  readonly #urls = new Map<string, string>();
  readonly #started = new Set<string>();
  readonly #changed: () => void;

  /** @param changed Called when a file has been decrypted (the view should show it). */
  constructor(room: string, changed: () => void) {
    this.#room = room;
    this.#changed = changed;
  }

  /** Blob URLs of the files decrypted so far, by file id. */
  get urls(): ReadonlyMap<string, string> {
    return new Map(this.#urls);
  }

  /**
   * Starts fetching `file` of the message at `seq` unless it was already. A file that cannot
   * be fetched or fails to decrypt (tampered, or not this message's) stays without a URL: the
   * timeline shows its name and size, and no link.
   */
  open(seq: number, file: E2eFile): void {
    if (this.#started.has(file.id)) return;
    this.#started.add(file.id);
    void this.#fetch(seq, file).catch((error) => {
      console.error("e2e: a file could not be opened", error);
    });
  }

  /** Releases every blob URL (the room is no longer followed). */
  close(): void {
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
  }

  async #fetch(seq: number, file: E2eFile): Promise<void> {
    const response = await fetch(attachmentUrl(this.#room, seq, file.id), {
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`download answered ${response.status}`);
    const plain = await openFile(new Uint8Array(await response.arrayBuffer()), file);
    this.#urls.set(file.id, URL.createObjectURL(new Blob([plain], { type: file.type })));
    this.#changed();
  }
}
