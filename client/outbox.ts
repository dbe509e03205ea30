/**
 * The outbox: the user's messages that the server has not acknowledged yet, kept in storage so
 * that a reload resends them with the same `clientId` (the server dedupes on it, so each
 * message is stored exactly once).
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { StorageLike } from "./chat_client_options.ts";
import type { Attachment } from "../lib/common/attachments.ts";
import type { MessageKey } from "../lib/common/i18n/translate.ts";
import type { E2ePayload } from "../lib/common/protocol.ts";

/** `pending` until acknowledged; `failed` after a permanent error, until retried or discarded. */
export type OutboxStatus = "pending" | "failed";

/** One unacknowledged message. */
export interface OutboxEntry {
  /** Idempotency key sent with every attempt of this message. */
  clientId: string;
  /** Room the message goes to. */
  room: string;
  /** Text as typed (a caption, maybe empty, when files are attached). */
  text: string;
  /** Uploaded files to attach, as the upload described them (the server checks them again). */
  attachments?: Attachment[];
  /** Client time of the first attempt, in milliseconds since the epoch. */
  createdAt: number;
  status: OutboxStatus;
  /** Why the last attempt failed, for `failed` entries. */
  error?: string;
  /** The seq of the message this one replies to. */
  replyTo?: number;
  /**
   * Set while the entry waits, shown but not sent (nor any later entry of its room) until
   * {@linkcode Outbox.release} gives what it waits for: `upload`, its files are still uploading
   * (a recording made offline), then the stored files; `keys`, an encrypted room's text typed
   * before this device had the room's keys (`client/e2e/held_for_keys.ts`), then its `e2e`
   * payload. A `keys` entry is never sent as it is: only its ciphertext leaves the device.
   */
  held?: "upload" | "keys";
  /**
   * Encrypted rooms: the message as this device encrypted it, sent instead of `text` (which
   * stays here, on this device only, to show the entry until it is acknowledged).
   */
  e2e?: E2ePayload;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Ordered, storage-backed list of {@linkcode OutboxEntry}. Every change is written through to
 * storage under one key per user; storage errors (quota, privacy mode) keep the entries in
 * memory only.
 */
export class Outbox {
  readonly #storage: StorageLike | null;
  readonly #key: string;
  readonly #entries = signal<readonly OutboxEntry[]>([]);
  /** Entries this page removed (sent or discarded): not kept for other tabs. */
  readonly #removed = new Set<string>();

  /**
   * @param storage Where entries persist; `null` keeps them in memory only.
   * @param userId Owner of the outbox; part of the storage key.
   */
  constructor(storage: StorageLike | null, userId: string) {
    this.#storage = storage;
    this.#key = `chat.outbox.v1.${userId}`;
  }

  /** Every entry, oldest first. */
  get entries(): ReadonlySignal<readonly OutboxEntry[]> {
    return this.#entries;
  }

  /** Reads the entries saved by an earlier page (or another tab); ignores malformed data. */
  load(): void {
    const known = new Set(this.#entries.value.map((entry) => entry.clientId));
    const loaded = this.#stored()
      .filter((entry) => !known.has(entry.clientId) && !this.#removed.has(entry.clientId))
      .map(lostUpload);
    if (loaded.length > 0) this.#set([...loaded, ...this.#entries.value]);
  }

  /** The entry with this `clientId`, if any. */
  get(clientId: string): OutboxEntry | undefined {
    return this.#entries.value.find((entry) => entry.clientId === clientId);
  }

  /** The entries of one room, oldest first. */
  forRoom(room: string): OutboxEntry[] {
    return this.#entries.value.filter((entry) => entry.room === room);
  }

  /** Appends an entry. */
  add(entry: OutboxEntry): void {
    this.#set([...this.#entries.value, entry]);
  }

  /** Changes the status (and error) of an entry; unknown ids are ignored. */
  update(clientId: string, status: OutboxStatus, error?: string): void {
    if (!this.get(clientId)) return;
    this.#set(this.#entries.value.map((entry) => {
      if (entry.clientId !== clientId) return entry;
      const next: OutboxEntry = { ...entry, status };
      if (error === undefined) delete next.error;
      else next.error = error;
      return next;
    }));
  }

  /**
   * Gives a held entry what it waited for (its stored files, or its encrypted payload), so it is
   * sent under the same `clientId`; unknown ids are ignored.
   */
  release(clientId: string, given: Pick<OutboxEntry, "attachments" | "e2e">): void {
    if (!this.get(clientId)) return;
    this.#set(this.#entries.value.map((entry) => {
      if (entry.clientId !== clientId) return entry;
      const { held: _, ...rest } = entry;
      return { ...rest, ...given };
    }));
  }

  /** Removes an entry; returns it, or `undefined` when it was not there. */
  remove(clientId: string): OutboxEntry | undefined {
    const entry = this.get(clientId);
    this.#removed.add(clientId);
    if (entry) this.#set(this.#entries.value.filter((item) => item !== entry));
    return entry;
  }

  /** The entries in storage, valid ones only; none when storage is unreadable. */
  #stored(): OutboxEntry[] {
    try {
      const data: unknown = JSON.parse(this.#storage?.getItem(this.#key) ?? "[]");
      return Array.isArray(data) ? data.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  /**
   * Sets the entries and writes them through. Another tab of the same user shares the storage
   * key: its entries stay there (this page did not remove them), so that a tab closed before
   * its messages were sent does not lose them to the writes of a tab still open.
   */
  #set(entries: readonly OutboxEntry[]): void {
    this.#entries.value = entries;
    const mine = new Set(entries.map((entry) => entry.clientId));
    const kept = [
      ...this.#stored().filter((entry) =>
        !mine.has(entry.clientId) && !this.#removed.has(entry.clientId)
      ),
      ...entries,
    ].sort((a, b) => a.createdAt - b.createdAt);
    try {
      if (kept.length === 0) this.#storage?.removeItem(this.#key);
      else this.#storage?.setItem(this.#key, JSON.stringify(kept));
    } catch {
      // Storage full or blocked: the entries still live in memory for this page.
    }
  }
}

/**
 * An entry whose files were still uploading when its page closed: the bytes went with the page
 * (they are kept in memory only), so it can only fail, and say why.
 */
function lostUpload(entry: OutboxEntry): OutboxEntry {
  if (entry.held !== "upload") return entry;
  const { held: _, ...rest } = entry;
  return { ...rest, status: "failed", error: LOST_UPLOAD };
}

/** The error of {@linkcode lostUpload}, a message key the timeline translates. */
export const LOST_UPLOAD: MessageKey = "voice.lost";

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.clientId === "string" && CLIENT_ID.test(entry.clientId) &&
    typeof entry.room === "string" && typeof entry.text === "string" &&
    typeof entry.createdAt === "number" &&
    (entry.status === "pending" || entry.status === "failed") &&
    (entry.error === undefined || typeof entry.error === "string") &&
    (entry.attachments === undefined || Array.isArray(entry.attachments)) &&
    (entry.replyTo === undefined || Number.isSafeInteger(entry.replyTo)) &&
    (entry.held === undefined || entry.held === "upload" || entry.held === "keys") &&
    (entry.e2e === undefined || isE2ePayload(entry.e2e));
}

function isE2ePayload(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const payload = value as Record<string, unknown>;
  return (payload.kind === "message" || payload.kind === "commit") &&
    typeof payload.data === "string" &&
    (payload.welcome === undefined || typeof payload.welcome === "string");
}
