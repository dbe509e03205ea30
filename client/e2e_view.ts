/**
 * What this device could read of its encrypted rooms: a signal the lazily loaded E2E chunk
 * (`client/e2e/`) fills and the message list, the header and the composer read. It is in the
 * first-load code because it is tiny; the MLS code is not.
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { SafetyNumber } from "../lib/common/e2e/safety_number.ts";
import type { Attachment } from "../lib/common/attachments.ts";
import type { E2eFile, E2eReply } from "../lib/common/e2e/e2e_content.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";
import type { ChatMessage, E2ePayload, Reaction } from "../lib/common/protocol.ts";

/** How this device read one entry of an encrypted room. */
export type E2eShown =
  /**
   * A message, decrypted (or one's own, as typed), with what travelled inside it (its reply's
   * quote, its files' keys) and what its sender's encrypted edits and the members' encrypted
   * reactions made of it. `from`: who sent it (only their edits count).
   */
  | {
    kind: "text";
    text: string;
    from?: string;
    reply?: E2eReply;
    files?: E2eFile[];
    editedAt?: number;
    reactions?: Reaction[];
  }
  /** A commit (devices added or removed): not shown in the timeline. */
  | { kind: "commit" }
  /** It failed to decrypt or verify: shown as "could not decrypt". */
  | { kind: "undecryptable" }
  /**
   * A commit (MLS handshake) that failed to parse or verify: rejected (the group stays as it
   * was), reported to the server, and shown as a notice in the conversation.
   */
  | { kind: "bad_handshake" }
  /**
   * A commit whose Welcome this device could not process (it does not decode, or was made for
   * one of its KeyPackages and fails to decrypt or verify): reported to the server, and this
   * device asked to be added again; shown as a notice in the conversation.
   */
  | { kind: "bad_welcome" }
  /** Sent before this device joined the group: its keys were never given to this device. */
  | { kind: "before_join" };

/**
 * `loading`: the keys are being read; `waiting`: this device is not in the room's group yet
 * ("waiting for keys"); `ready`: it reads and sends; `elsewhere`: another tab of this browser
 * profile has the encrypted conversations open (one tab at a time, `one_tab_session.ts`).
 */
export type E2eRoomStatus = "loading" | "waiting" | "ready" | "elsewhere";

/**
 * A two-person encrypted room's safety number as this device last checked it: `unverified`
 * (never marked), `verified` (marked, and the keys have not changed since), or `changed` (a
 * device was added or changed its key since it was first seen or marked: "verify again").
 */
export interface E2eVerification {
  /** The contact's user id. */
  peer: string;
  state: "unverified" | "verified" | "changed";
}

/**
 * One device of a contact as this device's last check saw it: `verified` (in the keys the user
 * marked verified), `unverified` (seen before, not marked), or `new` (new or changed since).
 */
export interface E2eDeviceTrust {
  deviceId: string;
  state: "verified" | "unverified" | "new";
}

/**
 * One other member of an encrypted group as this device last checked them: their safety
 * number's state with this device's user (the same number, and the same mark, as in a secret
 * chat with them) and each of their devices.
 */
export interface E2eMemberTrust extends E2eVerification {
  devices: readonly E2eDeviceTrust[];
}

/** What this device does in an encrypted room once it is in the group: all of it encrypted. */
export interface E2eRoomActions {
  /**
   * Sends `text` (a reply to `replyTo`, with `files`: uploads made encrypted, see
   * `client/uploads/upload_drafts.ts`). Returns `null` when queued, or why not.
   */
  send(text: string, replyTo: ChatMessage | null, files?: Attachment[]): ShownText | null;
  /** Edits one's own message at `seq`; `null` when sent, or why the text cannot be used. */
  edit(seq: number, text: string): ShownText | null;
  /** Adds (`on`) or removes one's reaction with `emoji` on the message at `seq`. */
  react(seq: number, emoji: string, on: boolean): void;
}

/** One encrypted room as this device reads it. */
export interface E2eRoomView {
  status: E2eRoomStatus;
  /** By seq: the entries read so far. */
  shown: ReadonlyMap<number, E2eShown>;
  /** The safety number's state, once checked (two-person rooms only). */
  verification?: E2eVerification;
  /** In an encrypted group, once checked: every other member's safety number and devices. */
  members?: readonly E2eMemberTrust[];
  /** Decrypted files downloaded so far: blob URLs by file id. */
  files?: ReadonlyMap<string, string>;
  /** Sending, editing and reacting; present while the status is `ready`. */
  act?: E2eRoomActions;
  /**
   * While the status is `elsewhere`: asks the tab that has the encrypted conversations open to
   * hand them over to this one ("Use here").
   */
  useHere?: () => void;
}

const UNREAD: E2eRoomView = { status: "loading", shown: new Map() };

/** The encrypted rooms this device follows; written only by the E2E session. */
export class E2eView {
  readonly #rooms = signal<ReadonlyMap<string, E2eRoomView>>(new Map());

  /** Every followed room, by id. */
  get rooms(): ReadonlySignal<ReadonlyMap<string, E2eRoomView>> {
    return this.#rooms;
  }

  /** One room (status `loading` with nothing read until the session has looked at it). */
  room(id: string): E2eRoomView {
    return this.#rooms.value.get(id) ?? UNREAD;
  }

  /**
   * Replaces what is known of room `id`. Its writers (the room's reader, its safety number
   * check) each keep the other's fields: `set(id, { ...view.room(id), status })`.
   */
  set(id: string, view: E2eRoomView): void {
    const next = new Map(this.#rooms.value);
    next.set(id, view);
    this.#rooms.value = next;
  }
}

/** What the E2E chunk offers the page once loaded (see `client/e2e/e2e_session.ts`). */
export interface E2eSession {
  /**
   * Follows encrypted room `roomId` (its members come from the key directory); `peer`, for a
   * secret chat, is the other person, whose safety number the session keeps. Returns a function
   * to stop.
   */
  follow(roomId: string, peer?: string): () => void;
  /** Encrypts `text` for the room's group; throws while this device is not in it. */
  encrypt(roomId: string, text: string): Promise<E2ePayload>;
  /**
   * The safety number with the other person of a two-person encrypted room, or with member
   * `peer` of an encrypted group, from their and this user's devices in the room's group and in
   * the key directory (checked again now). Throws while this device is not in the group.
   */
  safetyNumber(roomId: string, peer?: string): Promise<SafetyNumber>;
  /** Marks the safety number (of `peer` in a group), as just shown, verified (or clears that). */
  setVerified(roomId: string, verified: boolean, peer?: string): Promise<void>;
}
