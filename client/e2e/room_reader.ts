/**
 * One encrypted room as this device reads it: the room's log, in seq order, through the
 * room's MLS group ({@linkcode MlsGroup}). Part of the lazy E2E chunk.
 *
 * The reader joins the group from the first Welcome in the log made for one of this device's
 * KeyPackages (skipping commits that lost their epoch's race); everything before it reads as
 * `before_join`. When the log holds no commit at all it starts the group itself: it claims the
 * KeyPackages of the room's members' devices (the key directory lists them) and sends a commit
 * adding them (an empty one when none has keys yet: the group then exists, and is followed).
 * Two devices starting at once both send one; the first in seq order is the group, the other
 * device drops its own and joins from that one's Welcome, or is added by the membership check.
 * A device waiting to be added to a group that exists asks the members (`add_request`), so
 * their devices check at once rather than at their next periodic check. A Welcome for it that it
 * cannot process is shown, reported, and answered with a request to be added again.
 *
 * Once in, it keeps the group in line with the room (`membership_plan.ts`): after reading a
 * commit or a room event, on load and every {@linkcode FOLLOW_CHECK_MS}, it compares the group
 * with the directory and, when it is this device's turn, commits the removal of those who left
 * or the addition of new members' and new devices. One own commit at a time: the next waits
 * until this one is read back from the log (adopted, or dropped as stale and planned again).
 * A commit or message of an epoch after the group's means this device missed a commit: it drops
 * its state, waits for keys and asks to be added again, naming its stale leaf; member devices
 * answer such a request with a commit that replaces that leaf. A waiting device also names the
 * epoch it read the log up to: a group at that epoch that holds a leaf for it (a commit added it,
 * but it could not read that commit's Welcome) replaces that leaf too; it asks again soon after
 * each commit that did not let it in, rather than a minute later.
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
import type { E2eContent } from "../../lib/common/e2e/e2e_content.ts";
import { commitEpoch, type Incoming, MlsGroup } from "../../lib/common/e2e/mls_group.ts";
import {
  type AddAsk,
  committerRank,
  isSettled,
  type MemberDevices,
  planMembership,
  staleLeaf,
} from "../../lib/common/e2e/membership_plan.ts";
import { type ClaimedDevice, membershipCommit } from "../../lib/common/e2e/membership_commit.ts";
import { deviceIdentity, type HeldKeyPackage } from "../../lib/common/e2e/mls_device.ts";
import { bytesToBase64 } from "../../lib/common/e2e/mls_bytes.ts";
import type { ChatClient } from "../chat_client.ts";
import type { E2eRoomActions, E2eShown, E2eView } from "../e2e_view.ts";
import { applyAction, shownOfMessage } from "./e2e_entry.ts";
import { FileOpener } from "./file_opener.ts";
import { readableRun } from "./readable_run.ts";
import { roomActions } from "./room_actions.ts";
import { queueEncrypted } from "./queue_encrypted.ts";
import { ApiRequestError, request } from "../rooms_api.ts";
import type { DeviceKeys } from "./device_keys.ts";
import type { KeyStore, StoredGroup } from "./key_store.ts";

/**
 * When a member device compares the group with the key directory again although nothing in the
 * log prompted it: 2 s after a commit or room event, doubling up to every 20 s. A device waiting
 * to be added asks the members (`add_request`), which makes them check at once; the periodic
 * check covers a request that was lost or refused. One GET per followed room per check.
 */
const FOLLOW_CHECK_FIRST_MS = 2_000;
const FOLLOW_CHECK_MAX_MS = 20_000;
/**
 * Devices past the first {@linkcode FOLLOW_FIRST_DEVICES} leaves of the group check every 2
 * minutes at most once nothing happens: they only stand in for those (the rank order), and in a
 * room of 200 devices a check by every device every 20 s would be 10 directory reads a second.
 */
const FOLLOW_FIRST_DEVICES = 3;
const FOLLOW_CHECK_BACKUP_MS = 120_000;
/**
 * How long each rank waits after the one before it for a membership commit: the first ranked
 * device commits at once; the next steps in only if the first has not done it by then (it is
 * offline). 3 s is a few round trips of a commit on a slow phone.
 */
const FOLLOW_RANK_STEP_MS = 3_000;
/** How long a device that had no KeyPackage left is not asked for again (it refills on use). */
const NO_KEYS_RETRY_MS = 5 * 60_000;
/**
 * How often a device waiting to be added (a new device, or one that fell behind the group) asks
 * the room's members again: a request reaches only the members online when it is made. Once a
 * minute keeps within the server's limit (`ADD_REQUESTS_PER_HOUR`) for two rooms at once.
 */
const ADD_REQUEST_RETRY_MS = 60_000;
/**
 * How soon a waiting device asks again once the log holds a commit (a new epoch) that did not
 * let it in: that commit may be the one that added it, with a Welcome it could not read, and the
 * members re-add it only when asked. 10 s keeps a device whose Welcomes keep failing to one
 * re-adding commit every 10 s at most; the server's `ADD_REQUESTS_PER_HOUR` (120) caps its
 * requests at 2 a minute on average over an hour.
 */
const ADD_REQUEST_AFTER_COMMIT_MS = 10_000;

/** Reads and writes one encrypted room for this device. */
export class RoomReader {
  readonly #roomId: string;
  readonly #keys: DeviceKeys;
  readonly #store: KeyStore;
  readonly #view: E2eView;
  readonly #client: ChatClient;
  readonly #onGroup: ((group: MlsGroup) => void) | undefined;
  #group: MlsGroup | undefined;
  /** The epoch `#onGroup` was last told of. */
  #toldEpoch: bigint | undefined;
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
  /**
   * A membership commit this device sent, until it is read back from the log: the state it
   * leads to (saved, so a reload in between keeps it) and the commit's `data`.
   */
  #pending: { state: Uint8Array; data: string; joinedEpoch: bigint; epoch: bigint } | undefined;
  /**
   * The epoch at which this device read a commit it could not apply: if the other members
   * could, that commit is the group's and an own commit of the same epoch read after it lost.
   */
  #unappliedEpoch: bigint | undefined;
  /** When each change still to commit was first seen (by its plan), for the rank's wait. */
  #changeSeen = new Map<string, number>();
  /** Devices that had no KeyPackage left, and until when they are not asked for again. */
  #noKeys = new Map<string, number>();
  /**
   * Set when this device fell behind the group (a commit or message of an epoch it cannot
   * reach), to the key of its leaf there: it dropped its state and waits to be added again,
   * joining from the first Welcome for it after the cursor.
   */
  #rejoining: string | undefined;
  /** Whether the room's group exists without this device (it waits for a member to add it). */
  #waitingForAdd = false;
  /** When this device last asked the members to add it. */
  #askedAt = 0;
  /**
   * While this device is not in the group: the group's epoch as far as it read the log (one
   * past the epoch of the last commit that is the first of its epoch), undefined before any.
   */
  #logEpoch: bigint | undefined;
  /** The {@linkcode RoomReader.#logEpoch} this device last asked at. */
  #askedEpoch: bigint | undefined;
  /**
   * Member devices that asked to be added again, by identity, with the key of their stale leaf:
   * met once the leaf has another key (re-added) or is gone.
   */
  #rejoinAsks = new Map<string, string>();
  #followTimer: ReturnType<typeof setTimeout> | undefined;
  #followCheckMs = FOLLOW_CHECK_FIRST_MS;
  #queue: Promise<unknown>;
  #stopped = false;

  /**
   * `parts.onGroup` is called with the group once this device is in it, and again after each
   * commit it applies (its members may have changed): the safety number is checked then.
   */
  constructor(
    parts: {
      roomId: string;
      keys: DeviceKeys;
      store: KeyStore;
      onGroup?: (group: MlsGroup) => void;
    },
    view: E2eView,
    client: ChatClient,
  ) {
    this.#roomId = parts.roomId;
    this.#keys = parts.keys;
    this.#store = parts.store;
    this.#view = view;
    this.#client = client;
    this.#onGroup = parts.onGroup;
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
    // Closed (the session went to another tab, which now holds the group): never encrypt here.
    if (this.#stopped) return Promise.reject(new Error("this conversation is open in another tab"));
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

  /** This device's group of the room, once it is in it. */
  get group(): MlsGroup | undefined {
    return this.#group;
  }

  /** Stops retrying (the room is no longer followed). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#followTimer);
    this.#files.close();
  }

  /**
   * Stops, and resolves once the work already queued is done: encryptions asked for before
   * (their payloads saved and handed to the outbox), a commit under way (sent and saved as
   * pending). Nothing is written for the room after that, so another tab can take the group over.
   */
  async close(): Promise<void> {
    this.stop();
    await this.#queue.catch(() => {});
  }

  /**
   * A member's device asked to be added: checks the group against the key directory now rather
   * than at the next periodic check. When the group holds a leaf the device cannot use (`ask`
   * names it, or names the group's epoch, see {@linkcode staleLeaf}), the check adds the device
   * again; a request met since (the leaf was replaced, the group moved on) only checks.
   */
  addRequested(userId: string, deviceId: string, ask: AddAsk = {}): void {
    const identity = deviceIdentity(userId, deviceId);
    // It asked, so it has published KeyPackages since.
    this.#noKeys.delete(deviceId);
    this.#queue = this.#queue.then(() => {
      const group = this.#group;
      const leaf = group && staleLeaf(group.epoch, group.leafKeyOf(identity), ask);
      if (leaf !== undefined) this.#rejoinAsks.set(identity, leaf);
    });
    this.checkMembership();
  }

  /**
   * Checks the group against the key directory now rather than at the next periodic check: a
   * member's devices may have left it (their account was deleted, say).
   */
  checkMembership(): void {
    this.#followCheckMs = FOLLOW_CHECK_FIRST_MS;
    this.#scheduleFollow();
  }

  /** Compares the group with the room's membership, serialized with reads and sends. */
  #scheduleFollow(delay = 0): void {
    if (this.#stopped) return;
    clearTimeout(this.#followTimer);
    this.#followTimer = setTimeout(() => {
      this.#followTimer = undefined;
      this.#queue = this.#queue.then(() => this.#follow()).catch((error) => {
        console.error("e2e: following the room's membership failed", error);
      }).finally(() => {
        if (!this.#stopped && this.#followTimer === undefined) {
          const delay = this.#followCheckMs;
          this.#followCheckMs = Math.min(delay * 2, this.#followCheckMaxMs());
          this.#scheduleFollow(delay);
        }
      });
    }, delay);
  }

  /** The longest wait between two checks for this device (see {@linkcode FOLLOW_FIRST_DEVICES}). */
  #followCheckMaxMs(): number {
    const self = deviceIdentity(this.#keys.device.userId, this.#keys.device.deviceId);
    const position = this.#group?.members.indexOf(self) ?? 0;
    return position < FOLLOW_FIRST_DEVICES ? FOLLOW_CHECK_MAX_MS : FOLLOW_CHECK_BACKUP_MS;
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
      this.#pending = saved.pending;
      this.#rejoining = saved.rejoining;
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
      ...(this.#pending ? { pending: this.#pending } : {}),
      ...(this.#rejoining !== undefined ? { rejoining: this.#rejoining } : {}),
      cursor: this.#cursor,
      shown: [...this.#shown],
    };
    await this.#store.put(`group/${this.#key}`, saved);
    await this.#store.put(`own/${this.#key}`, [...this.#own]);
  }

  #publish(): void {
    // Stopped: the room's view is no longer this reader's (another tab may hold the group).
    if (this.#stopped) return;
    const ready = this.#group !== undefined;
    for (const [seq, shown] of this.#shown) {
      if (shown.kind === "text") shown.files?.forEach((file) => this.#files.open(seq, file));
    }
    // The safety number checks write `verification` and `members`; the rest is this reader's.
    const { verification, members } = this.#view.room(this.#roomId);
    this.#view.set(this.#roomId, {
      status: ready ? "ready" : "waiting",
      shown: new Map(this.#shown),
      files: this.#files.urls,
      ...(ready ? { act: this.#act } : {}),
      ...(verification ? { verification } : {}),
      ...(members ? { members } : {}),
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
    const gap = (!this.#group && this.#rejoining === undefined) ||
      (first !== undefined && first > this.#cursor + 1);
    if (gap && room.hasMore.peek()) {
      this.#client.loadOlder(this.#roomId);
      return;
    }
    const log = readableRun(held, this.#cursor);
    // An entry came ahead of an earlier one: its arrival schedules the next read.
    if (log.length === 0 && held.length > 0) return;
    const wasIn = this.#group !== undefined;
    if (!wasIn && !await this.#join(log)) {
      this.#publish();
      await this.#askToBeAdded();
      // The periodic check asks again; sooner when a commit since the last ask did not let it in.
      const wait = this.#askWaitMs();
      if (this.#followTimer === undefined || wait < ADD_REQUEST_RETRY_MS) {
        this.#scheduleFollow(Math.max(0, this.#askedAt + wait - Date.now()));
      }
      return;
    }
    // A commit or a room event (join, leave, kick, ban) may leave the group behind the room.
    let membershipMoved = !wasIn;
    for (const entry of log) {
      if (entry.seq <= this.#cursor) continue;
      if (entry.kind === "system" || entry.e2e?.kind === "commit") membershipMoved = true;
      if (entry.e2e && !entry.deleted) {
        const read = await this.#readEntry(entry);
        if (read === "behind") {
          await this.#fellBehind();
          break;
        }
        // An encrypted edit or reaction changes the message it targets; it is not shown itself.
        if (!isActionEntry(entry)) {
          this.#shown.set(entry.seq, "v" in read ? shownOfMessage(entry, read) : read);
        } else if ("v" in read) applyAction(this.#shown, entry, read);
      }
      this.#cursor = entry.seq;
    }
    await this.#save();
    this.#publish();
    const group = this.#group;
    if (group && this.#toldEpoch !== group.epoch) {
      this.#toldEpoch = group.epoch;
      this.#onGroup?.(group);
    }
    if (membershipMoved) this.#followCheckMs = FOLLOW_CHECK_FIRST_MS;
    if (membershipMoved || this.#followTimer === undefined) this.#scheduleFollow();
  }

  /**
   * The content of an entry's message (one's own as encrypted), or how it is shown instead;
   * `behind` when it is of an epoch this device cannot reach.
   */
  async #readEntry(entry: ChatMessage): Promise<E2eContent | E2eShown | "behind"> {
    const payload = entry.e2e!;
    const own = this.#own.get(payload.data);
    if (own !== undefined && payload.kind === "message") {
      this.#own.delete(payload.data);
      return own;
    }
    if (this.#pending && payload.data === this.#pending.data) return this.#adoptPending();
    const incoming = await this.#group!.receive(payload);
    if (incoming.kind === "behind") return "behind";
    if (incoming.kind === "message") return incoming.content;
    if (incoming.kind === "undecryptable" && payload.kind === "commit") {
      this.#unappliedEpoch = this.#group!.epoch;
      this.#reportHandshake(entry, incoming.reason);
      return { kind: "bad_handshake" };
    }
    return shownOf(incoming);
  }

  /**
   * Tells the server that this device rejected the commit `entry` (it failed to parse or
   * verify; the group stays as it was, so later messages still read), or its Welcome: a report
   * for the administrator. Each entry is read once per device (the cursor is saved), so it is
   * reported once; a failed report is not retried (the notice in the conversation stays). A
   * commit of another device of this user is reported too (the Welcome adding a new device is
   * usually made by its user's other device).
   */
  #reportHandshake(entry: ChatMessage, reason: string): void {
    const path = `/api/e2e/rooms/${encodeURIComponent(this.#roomId)}/handshake_reports`;
    request("POST", path, { seq: entry.seq, reason: reason.slice(0, 200) }).catch((error) =>
      console.error("e2e: reporting a rejected commit failed", error)
    );
  }

  /**
   * This device missed a commit (or could not apply one): it drops the group's state, shows
   * "waiting for keys", and asks the members to add it again. Reading goes on from the entry
   * that told (the cursor stays before it): the first Welcome for this device after it is its
   * way back in, and what lies between reads as from before it joined.
   */
  async #fellBehind(): Promise<void> {
    const self = deviceIdentity(this.#keys.device.userId, this.#keys.device.deviceId);
    this.#rejoining = this.#group?.leafKeyOf(self) ?? "";
    this.#group = undefined;
    this.#pending = undefined;
    this.#askedAt = 0;
    this.#logEpoch = undefined;
    this.#askedEpoch = undefined;
    await this.#save();
    this.#publish();
    // The entries after the cursor are read again, now to find the Welcome.
    this.schedule();
  }

  /**
   * Asks the room's members to add this device (again, when it fell behind), at most every
   * {@linkcode RoomReader.#askWaitMs}: only while the group exists without it and this device
   * has KeyPackages published for the adding commit to use. It names its stale leaf, if any, and
   * the epoch it read the log up to.
   */
  async #askToBeAdded(): Promise<void> {
    const now = Date.now();
    const rejoining = this.#rejoining !== undefined;
    if (this.#group || this.#starting || !(this.#waitingForAdd || rejoining)) return;
    if (now - this.#askedAt < this.#askWaitMs()) return;
    this.#askedAt = now;
    this.#askedEpoch = this.#logEpoch;
    try {
      await this.#keys.refill();
      await request("POST", `/api/e2e/rooms/${encodeURIComponent(this.#roomId)}/add_request`, {
        device: this.#keys.device.deviceId,
        ...(this.#rejoining ? { leaf: this.#rejoining } : {}),
        ...(this.#logEpoch !== undefined ? { epoch: Number(this.#logEpoch) } : {}),
      });
    } catch (error) {
      // Offline or over the limit: the next retry asks again; the members also check on
      // their own.
      console.error("e2e: asking to be added failed", error);
    }
  }

  /** How long after its last request this device may ask again (see the constants). */
  #askWaitMs(): number {
    const moved = this.#logEpoch !== undefined && this.#logEpoch !== this.#askedEpoch;
    return moved ? ADD_REQUEST_AFTER_COMMIT_MS : ADD_REQUEST_RETRY_MS;
  }

  /**
   * This device's own membership commit, read back from the log: the group moves to the state
   * it leads to, unless another commit of the same epoch came first (then it is dropped, and
   * the next plan redoes the change on the new epoch), even one this device could not apply (it
   * then follows no branch: the next entry of a later epoch tells it to rejoin).
   */
  #adoptPending(): E2eShown {
    const pending = this.#pending!;
    const group = this.#group!;
    this.#pending = undefined;
    const next = MlsGroup.restore({ state: pending.state, joinedEpoch: pending.joinedEpoch });
    const lost = this.#unappliedEpoch === group.epoch;
    if (next && next.epoch === group.epoch + 1n && !lost) this.#group = next;
    return { kind: "commit" };
  }

  /** Commits what the room's membership calls for, when it is this device's turn. */
  async #follow(): Promise<void> {
    const group = this.#group;
    // An own commit whose epoch the group has reached by another commit lost (or never made it
    // to the log): it no longer holds up the next one.
    if (this.#pending && group && this.#pending.epoch <= group.epoch) this.#pending = undefined;
    if (this.#stopped) return;
    if (!group) return await this.#askToBeAdded();
    // One own commit at a time: the next plan needs the epoch this one leads to.
    if (this.#pending) return;
    const room = await this.#directory();
    if (!room) return;
    const now = Date.now();
    for (const [device, until] of this.#noKeys) if (until <= now) this.#noKeys.delete(device);
    for (const [identity, leafKey] of this.#rejoinAsks) {
      if (group.leafKeyOf(identity) !== leafKey) this.#rejoinAsks.delete(identity);
    }
    const change = planMembership(
      group.members,
      room,
      new Set(this.#noKeys.keys()),
      new Set(this.#rejoinAsks.keys()),
    );
    const self = deviceIdentity(this.#keys.device.userId, this.#keys.device.deviceId);
    const rank = committerRank(group.members, self, change);
    const key = JSON.stringify(change);
    if (isSettled(change) || rank === undefined) {
      this.#changeSeen.clear();
      return;
    }
    const seen = this.#changeSeen.get(key) ?? now;
    this.#changeSeen = new Map([[key, seen]]);
    const due = seen + rank * FOLLOW_RANK_STEP_MS;
    if (due > now) return this.#scheduleFollow(due - now);
    let planned;
    try {
      planned = await membershipCommit(
        group,
        change,
        (userId, devices) => this.#claim(userId, devices),
      );
    } catch (error) {
      // A KeyPackage that does not verify, say: not asked for again soon (claims are limited).
      for (const { devices } of change.add) {
        for (const device of devices) this.#noKeys.set(device, now + NO_KEYS_RETRY_MS);
      }
      throw error;
    }
    const { commit, noKeys } = planned;
    for (const device of noKeys) this.#noKeys.set(device, now + NO_KEYS_RETRY_MS);
    if (!commit) return;
    this.#pending = {
      state: encodeGroupState(commit.state),
      data: commit.payload.data,
      joinedEpoch: group.save().joinedEpoch,
      epoch: commit.state.groupContext.epoch,
    };
    // Saved before it is sent: the commit must never be in the log while its state is lost.
    await this.#save();
    queueEncrypted(this.#client, this.#roomId, Promise.resolve(commit.payload));
  }

  /** The room's members and their devices with keys; undefined when it cannot be read now. */
  async #directory(): Promise<MemberDevices[] | undefined> {
    try {
      const path = `/api/e2e/rooms/${encodeURIComponent(this.#roomId)}/devices`;
      return (await request<{ members: MemberDevices[] }>("GET", path)).members;
    } catch {
      // Offline, or no longer a member: the next read or check asks again.
      return undefined;
    }
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
    this.#waitingForAdd = firstCommit !== undefined;
    const epochs = new Set<bigint>();
    for (const commit of commits) {
      const payload = commit.e2e!;
      // A later commit of an epoch already committed lost its race: its Welcome leads nowhere.
      const epoch = commitEpoch(payload);
      if (epoch === undefined || epochs.has(epoch)) continue;
      epochs.add(epoch);
      if (this.#logEpoch === undefined || epoch + 1n > this.#logEpoch) this.#logEpoch = epoch + 1n;
      if (!payload.welcome || this.#tried.has(payload.welcome)) continue;
      this.#tried.add(payload.welcome);
      const joined = await MlsGroup.join(payload, this.#keys.held);
      if (joined?.failed !== undefined) {
        await this.#welcomeFailed(commit, joined.failed, joined.used);
      }
      if (!joined?.group) continue;
      this.#group = joined.group;
      this.#rejoining = undefined;
      this.#waitingForAdd = false;
      this.#logEpoch = undefined;
      this.#askedEpoch = undefined;
      await this.#keys.used(joined.used);
      void this.#keys.refill().catch(() => {});
      this.#markBefore(log, commit.seq);
      this.#shown.set(commit.seq, { kind: "commit" });
      this.#cursor = commit.seq;
      return true;
    }
    // A device that fell behind never starts a group: the room has one, it is not in it yet.
    if (commits.length === 0 && !this.#starting && this.#rejoining === undefined) {
      await this.#start();
    }
    return false;
  }

  /**
   * The Welcome of the commit `entry` could not be processed here ({@linkcode MlsGroup.join}):
   * it shows as a notice and is reported as a rejected commit is. When it named a KeyPackage
   * of this device, this device is in the group without being able to read it: the KeyPackage
   * is spent, and the device asks to be added again at once, naming the leaf that KeyPackage
   * made, as a device that fell behind does (members then replace that leaf). A Welcome that
   * does not decode names no KeyPackage: the device asks again at once all the same, naming
   * the epoch that commit led to (members replace the leaf it holds there, see `staleLeaf`);
   * waiting for the next retry would leave it out for 10 s or more.
   */
  async #welcomeFailed(entry: ChatMessage, reason: string, used?: HeldKeyPackage): Promise<void> {
    this.#shown.set(entry.seq, { kind: "bad_welcome" });
    this.#reportHandshake(entry, `Welcome: ${reason}`);
    if (used) {
      await this.#keys.used(used);
      this.#rejoining = bytesToBase64(used.publicPackage.leafNode.hpkePublicKey);
    }
    this.#askedAt = 0;
    await this.#save();
  }

  /** Entries before seq `joined` were sent before this device was in the group. */
  #markBefore(log: readonly ChatMessage[], joined: number): void {
    for (const entry of log) {
      if (entry.seq >= joined) break;
      // A Welcome that failed here stays shown as such.
      if (entry.e2e && !entry.deleted && this.#shown.get(entry.seq)?.kind !== "bad_welcome") {
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

  /**
   * Starts the group with the devices of the room's members that have KeyPackages (at most
   * one commit's worth), or alone when none has: the group exists in the log from then on, and
   * the membership check adds the others as their devices publish keys.
   */
  async #start(): Promise<void> {
    const group = await MlsGroup.create(this.#roomId, await this.#keys.fresh());
    const room = await this.#directory() ?? [];
    const planned = await membershipCommit(
      group,
      planMembership(group.members, room),
      (userId, devices) => this.#claim(userId, devices),
    );
    const commit = planned.commit ?? await group.add([]);
    this.#starting = { state: encodeGroupState(commit.state), data: commit.payload.data };
    // Saved before it is sent: the commit must never be in the log while its state is lost.
    await this.#save();
    queueEncrypted(this.#client, this.#roomId, Promise.resolve(commit.payload));
  }

  async #claim(userId: string, devices: readonly string[]): Promise<ClaimedDevice[]> {
    try {
      const { keyPackages } = await request<{ keyPackages: ClaimedDevice[] }>(
        "POST",
        "/api/e2e/claim",
        { user: userId, room: this.#roomId, devices },
      );
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
    case "behind":
      return { kind: "undecryptable" };
    case "skipped":
      if (incoming.reason === "stale_epoch") return { kind: "commit" };
      if (incoming.reason === "before_join") return { kind: "before_join" };
      return { kind: "undecryptable" };
  }
}
