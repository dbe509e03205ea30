/**
 * One encrypted room as this device reads it: the room's log, in seq order, through the
 * room's MLS group ({@linkcode MlsGroup}). Part of the lazy E2E chunk.
 *
 * The reader joins the group from the first Welcome in the log made for one of this device's
 * KeyPackages; everything before it reads as `before_join`. When the log holds no commit at
 * all it starts the group itself: it claims the peers' KeyPackages and sends a commit adding
 * them. Two devices starting at once both send one; the first in seq order is the group, the
 * other device drops its own and joins from that one's Welcome (the room's order settles it).
 *
 * What was read is saved in IndexedDB with the group's state and a cursor (the last seq read),
 * since MLS keys are used once: after a reload the texts come from there, and reading goes on
 * after the cursor. One's own messages cannot be decrypted by their sender, so their text is
 * kept from encryption until the entry is read.
 *
 * @module
 */
import { type ChatMessage, type E2ePayload, isActionEntry } from "../../lib/common/protocol.ts";
import { encodeGroupState } from "ts-mls";
import { type Incoming, MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import type { E2eContent } from "../../lib/common/e2e/e2e_content.ts";
import type { ChatClient } from "../chat_client.ts";
import type { E2eRoomActions, E2eShown, E2eView } from "../e2e_view.ts";
import { applyAction, shownOfMessage } from "./e2e_entry.ts";
import { FileOpener } from "./file_opener.ts";
import { roomActions } from "./room_actions.ts";
import { ApiRequestError, request } from "../rooms_api.ts";
import type { DeviceKeys } from "./device_keys.ts";
import type { KeyStore, StoredGroup } from "./key_store.ts";

/**
 * When a device waiting for its peers' first KeyPackages asks again: after 2 s, doubling up to
 * a minute (a claim that finds none is one cheap request; a peer who never opens the app must
 * not cost a request every few seconds for as long as the page is open).
 */
const CLAIM_RETRY_FIRST_MS = 2_000;
const CLAIM_RETRY_MAX_MS = 60_000;

interface Claimed {
  userId: string;
  deviceId: string;
  keyPackage: string;
}

/** Reads and writes one encrypted room for this device. */
export class RoomReader {
  readonly #roomId: string;
  readonly #peers: readonly string[];
  readonly #keys: DeviceKeys;
  readonly #store: KeyStore;
  readonly #view: E2eView;
  readonly #client: ChatClient;
  #group: MlsGroup | undefined;
  #cursor = 0;
  #shown = new Map<number, E2eShown>();
  /** What this device encrypted, by payload, until it reads the entry back. */
  #own = new Map<string, E2eContent>();
  readonly #files: FileOpener;
  readonly #act: E2eRoomActions;
  /**
   * The group this device started, until its commit is read back from the log: the state the
   * commit leads to (saved, so a reload in between keeps it) and the commit's `data`.
   */
  #starting: { state: Uint8Array; data: string } | undefined;
  /** Welcomes already tried (each try costs a few ms per held KeyPackage). */
  #tried = new Set<string>();
  #claimDelay = CLAIM_RETRY_FIRST_MS;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #queue: Promise<unknown>;
  #stopped = false;

  constructor(
    parts: { roomId: string; peers: readonly string[]; keys: DeviceKeys; store: KeyStore },
    view: E2eView,
    client: ChatClient,
  ) {
    this.#roomId = parts.roomId;
    this.#peers = parts.peers;
    this.#keys = parts.keys;
    this.#store = parts.store;
    this.#view = view;
    this.#client = client;
    this.#files = new FileOpener(this.#roomId, () => this.#publish());
    this.#act = roomActions(this.#roomId, client, (content) => this.encrypt(content));
    this.#queue = this.#load();
  }

  /** Reads what arrived since the last call (serialized with everything else here). */
  schedule(): void {
    this.#queue = this.#queue.then(() => this.#read()).catch((error) => {
      console.error("e2e: reading the room failed", error);
    });
  }

  /**
   * Encrypts `content` (a message, or a plain `text` message) for the group; throws while this
   * device is not in it.
   */
  encrypt(content: E2eContent | string): Promise<E2ePayload> {
    const work = this.#queue.then(async () => {
      if (!this.#group) throw new Error("this device is not in the conversation's group yet");
      const plain = typeof content === "string" ? { v: 1 as const, text: content } : content;
      const payload = await this.#group.encryptContent(plain);
      this.#own.set(payload.data, plain);
      // Saved before it can be sent: a reload must never encrypt again with the same key.
      await this.#save();
      return payload;
    });
    this.#queue = work.catch(() => {});
    return work;
  }

  /** Stops retrying (the room is no longer followed). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#files.close();
  }

  get #key(): string {
    return `${this.#keys.device.userId}/${this.#roomId}`;
  }

  async #load(): Promise<void> {
    const saved = await this.#store.get<StoredGroup>(`group/${this.#key}`);
    if (saved) {
      this.#group = saved.group && MlsGroup.restore(saved.group);
      this.#cursor = saved.cursor;
      this.#starting = saved.starting;
      this.#shown = new Map(saved.shown);
    }
    const own = await this.#store.get<[string, E2eContent | string][]>(`own/${this.#key}`);
    // The first slice kept the text alone.
    this.#own = new Map(
      (own ?? []).map(([data, kept]) => [
        data,
        typeof kept === "string" ? { v: 1, text: kept } : kept,
      ]),
    );
    this.#publish();
  }

  async #save(): Promise<void> {
    const saved: StoredGroup = {
      ...(this.#group ? { group: this.#group.save() } : {}),
      ...(this.#starting ? { starting: this.#starting } : {}),
      cursor: this.#cursor,
      shown: [...this.#shown],
    };
    await this.#store.put(`group/${this.#key}`, saved);
    await this.#store.put(`own/${this.#key}`, [...this.#own]);
  }

  #publish(): void {
    const ready = this.#group !== undefined;
    for (const [seq, shown] of this.#shown) {
      if (shown.kind === "text") shown.files?.forEach((file) => this.#files.open(seq, file));
    }
    this.#view.set(this.#roomId, {
      status: ready ? "ready" : "waiting",
      shown: new Map(this.#shown),
      files: this.#files.urls,
      ...(ready ? { act: this.#act } : {}),
    });
  }

  async #read(): Promise<void> {
    if (this.#stopped) return;
    const room = this.#client.room(this.#roomId);
    if (!room.loaded.peek()) return;
    const held = [...room.messages.peek().values()].filter((entry) => entry.seq > this.#cursor);
    // Reading needs every entry after the cursor (and, to join, the whole log): older pages
    // first. The list changes when they come, and that schedules the next read.
    const first = held[0]?.seq;
    const gap = !this.#group || (first !== undefined && first > this.#cursor + 1);
    if (gap && room.hasMore.peek()) {
      this.#client.loadOlder(this.#roomId);
      return;
    }
    // Only the gap-free run of seqs: an entry read before an earlier one arrived (an own ack
    // ahead of someone else's message) would put commits out of the room's order.
    const log: ChatMessage[] = [];
    for (const entry of held) {
      const previous = log.at(-1)?.seq ?? (this.#group ? this.#cursor : entry.seq - 1);
      if (entry.seq !== previous + 1) break;
      log.push(entry);
    }
    if (!this.#group && !await this.#join(log)) {
      this.#publish();
      return;
    }
    for (const entry of log) {
      if (entry.seq <= this.#cursor) continue;
      if (entry.e2e && !entry.deleted) {
        const read = await this.#readEntry(entry);
        // An encrypted edit or reaction changes the message it targets; it is not shown itself.
        if (!isActionEntry(entry)) {
          this.#shown.set(entry.seq, "v" in read ? shownOfMessage(entry, read) : read);
        } else if ("v" in read) applyAction(this.#shown, entry, read);
      }
      this.#cursor = entry.seq;
    }
    await this.#save();
    this.#publish();
  }

  /** The content of an entry's message (one's own as encrypted), or how it is shown instead. */
  async #readEntry(entry: ChatMessage): Promise<E2eContent | E2eShown> {
    const payload = entry.e2e!;
    const own = this.#own.get(payload.data);
    if (own !== undefined && payload.kind === "message") {
      this.#own.delete(payload.data);
      return own;
    }
    const incoming = await this.#group!.receive(payload);
    return incoming.kind === "message" ? incoming.content : shownOf(incoming);
  }

  /** Joins (or adopts the group this device started) from the log; whether it is in now. */
  async #join(log: readonly ChatMessage[]): Promise<boolean> {
    const commits = log.filter((entry) => entry.e2e?.kind === "commit" && !entry.deleted);
    const firstCommit = commits[0];
    if (this.#starting && firstCommit?.e2e?.data === this.#starting.data) {
      // The creator is a member from the group's first epoch on.
      this.#group = MlsGroup.restore({ state: this.#starting.state, joinedEpoch: 0n });
      this.#starting = undefined;
      this.#markBefore(log, firstCommit.seq);
      this.#shown.set(firstCommit.seq, { kind: "commit" });
      this.#cursor = firstCommit.seq;
      return this.#group !== undefined;
    }
    // Someone else's commit came first: the group this device started lost the race.
    if (firstCommit) this.#starting = undefined;
    for (const commit of commits) {
      const payload = commit.e2e!;
      if (!payload.welcome || this.#tried.has(payload.welcome)) continue;
      this.#tried.add(payload.welcome);
      const joined = await MlsGroup.join(payload, this.#keys.held);
      if (!joined) continue;
      this.#group = joined.group;
      await this.#keys.used(joined.used);
      void this.#keys.refill().catch(() => {});
      this.#markBefore(log, commit.seq);
      this.#shown.set(commit.seq, { kind: "commit" });
      this.#cursor = commit.seq;
      return true;
    }
    if (commits.length === 0 && !this.#starting) await this.#start();
    return false;
  }

  /** Entries before seq `joined` were sent before this device was in the group. */
  #markBefore(log: readonly ChatMessage[], joined: number): void {
    for (const entry of log) {
      if (entry.seq >= joined) break;
      if (entry.e2e && !entry.deleted) {
        this.#shown.set(
          entry.seq,
          entry.e2e.kind === "commit" ? { kind: "commit" } : {
            kind: "before_join",
          },
        );
      }
      this.#cursor = entry.seq;
    }
  }

  /** Starts the group with the peers' devices, when they have published KeyPackages. */
  async #start(): Promise<void> {
    // A retry is planned: reads in between (any change of the log) do not claim again.
    if (this.#retry !== undefined) return;
    const claimed: Claimed[] = [];
    for (const peer of this.#peers) claimed.push(...await this.#claim(peer));
    if (claimed.length === 0) {
      // No device of theirs yet: ask again later (their first visit publishes some).
      const delay = this.#claimDelay;
      this.#claimDelay = Math.min(delay * 2, CLAIM_RETRY_MAX_MS);
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.schedule();
      }, delay);
      return;
    }
    const group = await MlsGroup.create(this.#roomId, await this.#keys.fresh());
    const commit = await group.add(claimed);
    this.#starting = { state: encodeGroupState(commit.state), data: commit.payload.data };
    // Saved before it is sent: the commit must never be in the log while its state is lost.
    await this.#save();
    this.#client.sendHandshake(this.#roomId, commit.payload);
  }

  async #claim(userId: string): Promise<Claimed[]> {
    try {
      const { keyPackages } = await request<{ keyPackages: Claimed[] }>("POST", "/api/e2e/claim", {
        user: userId,
        room: this.#roomId,
        exceptDevice: this.#keys.device.deviceId,
      });
      return keyPackages;
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return [];
      throw error;
    }
  }
}

function shownOf(incoming: Exclude<Incoming, { kind: "message" }>): E2eShown {
  switch (incoming.kind) {
    case "commit":
      return { kind: "commit" };
    case "undecryptable":
      return { kind: "undecryptable" };
    case "skipped":
      if (incoming.reason === "stale_epoch") return { kind: "commit" };
      if (incoming.reason === "before_join") return { kind: "before_join" };
      return { kind: "undecryptable" };
  }
}
