/**
 * {@linkcode MessageStore} on Deno KV. Appends are grouped: many messages, of many rooms, go
 * into one atomic commit, split only where KV's limits require (1,000 mutations, 100 checks,
 * 800 KiB of data and 80 KiB of keys per commit). The same commit writes each room's
 * head, one mutation per room: its last seq and its {@linkcode LastMessage} summary in one value
 * (`room_head.ts`; a head of the old layout is read with its `room_last` key, which the commit
 * deletes). Each room's head is checked in the commit, so two processes that append to one room
 * at the same moment cannot both take a seq: the loser re-reads and retries.
 *
 * The same commit writes each member's conversation activity entry of a room with a new message
 * (`lib/rooms/conversation_index.ts`), from the room's members as the store last read them,
 * checked against the room's member revision; but only when the entries this store wrote for
 * the room last are {@linkcode ACTIVITY_REFRESH_MS} old or more, or unknown: a busy room costs
 * its index writes and check once per interval, not per message.
 *
 * The same commit also writes the message search index: one pending entry
 * (`lib/search/search_pending.ts`) with the terms of each new message and those an edit gains.
 * So a message is searchable exactly when its send is acknowledged; a search checks every
 * candidate against the message as stored, so it is found only by its current text.
 *
 * The common case reads nothing: the store remembers the head (and its versionstamp) of the
 * rooms it committed to last, and checks in the commit that each clientId is still unused. Only
 * when a check fails (another process wrote to the room, or a send is a retry) does the next
 * attempt read the heads and the clientId records first. A message with files is the exception:
 * its commit reads and checks its author's account (`checksAuthor` in `message_store.ts`), so
 * none lands after an account deletion listed its owner's messages with files.
 *
 * @module
 */
import { type LastMessage, PREVIEW_CHARS } from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { newId } from "../common/ids.ts";
import { isTimedClientId } from "../common/client_id.ts";
import { keys } from "../kv/kv_keys.ts";
import { MAX_ATTACHMENTS, MAX_FILE_NAME } from "../common/attachments.ts";
import { lastMessageOf } from "../common/message_gist.ts";
import {
  type AppendResult,
  AuthorGoneError,
  checksAuthor,
  type MessageDraft,
  type MessageLookup,
  type MessageStore,
} from "./message_store.ts";
import { accountsLive } from "../accounts/accounts.ts";
import {
  type ChatMessage,
  isActionEntry,
  MAX_EDITS,
  MAX_REACTIONS,
  MAX_TEXT_CHARS,
  type MessageVersion,
  REPLY_EXCERPT_CHARS,
} from "../common/protocol.ts";
import { applyAction, type MessageAction } from "./message_actions.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { readMany } from "../kv/kv_read_many.ts";
import { headSeq, readRoomHeads, roomHeadValue, type StoredHead } from "./room_head.ts";
import { textTerms } from "../common/search_text.ts";
import { searchableText } from "../search/search_index.ts";
import { PendingBatch } from "../search/search_pending.ts";
import {
  ACTIVITY_REFRESH_MS,
  memberRevisions,
  readRoomMembers,
  roomActivityWrites,
  type RoomMembers,
  writeRoomActivity,
} from "../rooms/conversation_index.ts";

/**
 * How many checks one atomic commit holds at most (KV's limit): one per room (its head), one
 * per new message (its clientId is unused) and one per author of messages with files (their
 * account), so a commit holds at most 99 messages.
 */
const MAX_CHECKS_PER_COMMIT = 100;
/** Rooms whose head the store remembers from its own commits. */
const KNOWN_HEADS_MAX = 10_000;
const MAX_BYTES_PER_COMMIT = 700 * 1024;
/** Below KV's 1,000 mutations per commit (file_refs make a message cost more than two). */
const MAX_MUTATIONS_PER_COMMIT = 900;
/** Below KV's 80 KiB of keys per commit; checked keys count too. */
const MAX_KEY_BYTES_PER_COMMIT = 72 * 1024;
/**
 * Upper bound of a room's head check and head set (its summary inside) and, for a head of the
 * old layout, the delete of its `room_last` (key and value), beyond its id.
 */
const ROOM_OVERHEAD_BYTES = 3 * (2 * PREVIEW_CHARS + MAX_FILE_NAME + 64) + 512;
const MAX_ATTEMPTS = 100;
/**
 * Upper bound of a stored message an action rewrites: its text, a reply excerpt (or file name) and
 * MAX_REACTIONS reactions of users with long names, and MAX_ATTACHMENTS attachments (a name of
 * MAX_FILE_NAME UTF-16 units, two 64-character ids, a type and sizes: under 1 KiB each).
 */
const ACTION_TARGET_BYTES = 3 * MAX_TEXT_CHARS + 3 * (REPLY_EXCERPT_CHARS + MAX_FILE_NAME) +
  MAX_REACTIONS * 100 +
  MAX_ATTACHMENTS * (3 * MAX_FILE_NAME + 400);

/**
 * How long the idempotency record of a send with a timed clientId is kept (`kv_keys.ts`,
 * `msg_sent`): 400 days, so a retry is recognised however long a device stays offline with its
 * outbox, short of more than a year. Those records expire because nothing else finds them: a
 * room's deletion lists its records by room, which these are not keyed by (they hold ids, a
 * seq and a time, no text).
 */
export const CLIENT_ID_RECORD_MS = 400 * 24 * 60 * 60 * 1000;
const TIMED_RECORD_EXPIRY = { expireIn: CLIENT_ID_RECORD_MS };

/** What the idempotency record of a send holds. */
interface ClientIdRecord {
  id: string;
  seq: number;
  at: number;
}

/**
 * A room's head seq as of a versionstamp, and whether it is of the old layout (`room_head.ts`);
 * `last` only for a head just read (the store does not remember summaries).
 */
interface KnownHead {
  seq: number;
  versionstamp: string | null;
  last?: LastMessage | null;
  legacy?: boolean;
}

/** Message store backed by Deno KV. */
export class KvMessageStore implements MessageStore, MessageLookup {
  #kv: Deno.Kv;
  #clock: Clock;
  /** Heads this store read or wrote last, oldest first; a failed check evicts them. */
  #knownHeads = new Map<string, KnownHead>();
  /** Members of the rooms this store appended to last, oldest first. */
  #members = new Map<string, RoomMembers>();
  /** When this store last wrote each room's activity entries (their activity). */
  #indexedAt = new Map<string, number>();

  #releaseDeleted: (messages: ChatMessage[]) => void;
  #indexed: boolean;
  /** Search terms of the drafts being appended, worked out once (segmenting costs ~60 µs). */
  #draftTerms = new WeakMap<MessageDraft, string[]>();

  /**
   * Stores messages in `kv`, stamping them with `clock`.
   *
   * @param options.releaseDeleted Called after a commit that deleted messages, with each as it
   *   was before: the place to release what a message references outside its record
   *   (attachments). It runs after the commit, so it must tolerate being skipped by a crash
   *   (a sweep of unreferenced files catches those).
   * @param options.searchIndex False writes no search index (only the benchmark's "without
   *   index" run does that); default true.
   */
  constructor(
    kv: Deno.Kv,
    clock: Clock,
    options: { releaseDeleted?: (messages: ChatMessage[]) => void; searchIndex?: boolean } = {},
  ) {
    this.#kv = kv;
    this.#clock = clock;
    this.#releaseDeleted = options.releaseDeleted ?? (() => {});
    this.#indexed = options.searchIndex ?? true;
  }

  async append(drafts: readonly MessageDraft[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    let start = 0;
    // Each draft's search index writes, counted once to budget the commits.
    const costs = new Map<MessageDraft, IndexCost>();
    const indexCost = (draft: MessageDraft): IndexCost => {
      if (!this.#indexed) return NO_INDEX_COST;
      let cost = costs.get(draft);
      if (cost === undefined) {
        cost = indexCostOf(draft);
        costs.set(draft, cost);
        if (cost.terms) this.#draftTerms.set(draft, cost.terms);
      }
      return cost;
    };
    // Rooms whose activity entries are written with these drafts (decided once, so the
    // commits' budgets hold): the entries are unknown or due for a refresh.
    const now = this.#clock.now();
    const due = new Set(
      activityRooms(drafts).filter((room) => {
        const indexedAt = this.#indexedAt.get(room);
        return indexedAt === undefined || now - indexedAt >= ACTIVITY_REFRESH_MS;
      }),
    );
    await this.#readMembers([...due], false);
    const activityCost = (room: string) => {
      const members = due.has(room) ? this.#members.get(room) : undefined;
      return members ? roomActivityWrites(members) : undefined;
    };
    while (start < drafts.length) {
      const end = chunkEnd(drafts, start, indexCost, activityCost);
      results.push(...await this.#appendChunk(drafts.slice(start, end), due));
      start = end;
    }
    return results;
  }

  async #appendChunk(
    drafts: readonly MessageDraft[],
    due: ReadonlySet<string>,
  ): Promise<AppendResult[]> {
    const rooms = [...new Set(drafts.map((draft) => draft.room))];
    const targetKeys = uniqueKeys(
      drafts.flatMap((d) => d.target !== undefined && isAction(d) ? [[d.room, d.target]] : []),
    );
    const actionRooms = [...new Set(drafts.filter(isAction).map((draft) => draft.room))];
    const indexed = activityRooms(drafts).filter((room) => due.has(room));
    const authors = authorsChecked(drafts);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first attempt trusts the heads it knows and checks the clientIds are unused; after
      // a failed check, heads are read first: a clientId stored by another process after this
      // read moves its room's head, so the head check fails and the retry sees the clientId.
      // Targets of actions are read on every attempt: every change to a message is an entry
      // of its room, so the head check also proves the target read is still current.
      const optimistic = attempt === 0;
      // The head of a room with an action is read on every attempt too: its summary is kept
      // when the actions leave the newest message as it was.
      const [heads, stored, targets, members, accounts] = await Promise.all([
        this.#heads(rooms, optimistic, actionRooms),
        optimistic ? undefined : readMany<ClientIdRecord>(this.#kv, drafts.map(clientIdKey)),
        readMany<ChatMessage>(this.#kv, targetKeys.map(([room, seq]) => keys.message(room, seq))),
        this.#readMembers(indexed, !optimistic),
        // No read for a chunk without files: a plain send pays nothing for this check.
        readMany(this.#kv, authors.map((author) => keys.user(author))),
      ]);
      const gone = authors.filter((_, i) => !accountsLive([accounts[i]!]));
      if (gone.length > 0) throw new AuthorGoneError(gone);
      const atomic = this.#kv.atomic();
      // A deletion that marks an author after this read fails the commit; the retry refuses.
      for (const account of accounts) atomic.check(account);
      const nextSeq = new Map<string, number>();
      for (const room of rooms) {
        const head = heads.get(room)!;
        atomic.check({ key: keys.roomHead(room), versionstamp: head.versionstamp });
        nextSeq.set(room, head.seq);
      }
      // Messages as this commit leaves them, by room and seq; `dirty` ones are written.
      const state = new Map<string, ChatMessage>();
      // Targets as stored before this commit: the index moves from their terms to the new ones.
      const original = new Map<string, ChatMessage>();
      targetKeys.forEach(([room, seq], i) => {
        const value = targets[i]?.value;
        if (!value) return;
        state.set(stateKey(room, seq), value);
        original.set(stateKey(room, seq), value);
      });
      const dirty = new Set<string>();
      // New messages and their draft's terms (valid while an action of this commit leaves them).
      const fresh = new Map<string, { message: ChatMessage; terms?: string[] }>();
      const released: ChatMessage[] = [];
      const versionWrites = new Map<string, { key: Deno.KvKey; value?: MessageVersion }>();
      const now = this.#clock.now();
      const results: AppendResult[] = [];
      const storedEarlier: number[] = [];
      const firstOfKey = new Map<string, AppendResult>();
      drafts.forEach((draft, i) => {
        const key = clientIdKey(draft);
        const earlier = firstOfKey.get(key.join("\u0000"));
        if (earlier) return results.push({ message: earlier.message, duplicate: true });
        const record = stored?.[i]?.value;
        if (record) {
          storedEarlier.push(results.length);
          return results.push({
            message: messageOf(draft, record.id, record.seq, record.at),
            duplicate: true,
          });
        }
        if (optimistic) atomic.check({ key, versionstamp: null });
        const seq = nextSeq.get(draft.room)! + 1;
        nextSeq.set(draft.room, seq);
        const message = messageOf(draft, newId(), seq, now);
        state.set(stateKey(draft.room, seq), message);
        dirty.add(stateKey(draft.room, seq));
        fresh.set(stateKey(draft.room, seq), { message, terms: this.#draftTerms.get(draft) });
        atomic.set(
          key,
          { id: message.id, seq, at: now } satisfies ClientIdRecord,
          isTimedClientId(draft.clientId) ? TIMED_RECORD_EXPIRY : undefined,
        );
        const fileIds = attachedFileIds(draft);
        for (const fileId of fileIds) {
          atomic.set(keys.fileRef(fileId, draft.room, seq), { at: now });
        }
        // Lists it under its author, wherever they are later: their account's deletion deletes
        // it, in rooms they have left too.
        if (fileIds.length > 0) {
          atomic.set(keys.authorFile(draft.from, draft.room, seq), { at: now });
        }
        const result = { message, duplicate: false };
        if (isAction(draft) && draft.target !== undefined) {
          const targetKey = stateKey(draft.room, draft.target);
          const target = state.get(targetKey);
          if (target) {
            const outcome = applyAction(target, actionOf(draft), seq, now);
            if (outcome.target !== target) {
              state.set(targetKey, outcome.target);
              dirty.add(targetKey);
            }
            const { versions = 0 } = outcome.target;
            if (outcome.version) {
              const versionKey = keys.messageVersion(draft.room, draft.target, versions - 1);
              versionWrites.set(versionKey.join("\u0000"), {
                key: versionKey,
                value: outcome.version,
              });
            }
            for (let n = 0; n < (outcome.erasedVersions ?? 0); n++) {
              const versionKey = keys.messageVersion(draft.room, draft.target, n);
              versionWrites.set(versionKey.join("\u0000"), { key: versionKey });
            }
            if (outcome.released) released.push(outcome.released);
            result.message = { ...message, changed: outcome.target };
          }
        }
        firstOfKey.set(key.join("\u0000"), result);
        results.push(result);
      });
      const pending = new PendingBatch();
      for (const key of dirty) {
        const message = state.get(key)!;
        atomic.set(keys.message(message.room, message.seq), message);
        if (!this.#indexed) continue;
        const known = fresh.get(key);
        const terms = known?.message === message ? known.terms : undefined;
        pending.add(original.get(key) ?? null, message, terms);
      }
      pending.write(atomic, now);
      for (const { key, value } of versionWrites.values()) {
        if (value) atomic.set(key, value);
        else atomic.delete(key);
      }
      const newest = new Map<string, ChatMessage>();
      for (const result of results) {
        if (!result.duplicate) newest.set(result.message.room, result.message);
      }
      // The conversation list shows the newest message that is not an action: a new one, or
      // the stored one as the actions of this commit left it.
      const summaries = new Map<string, LastMessage | null>();
      for (const room of actionRooms) {
        const last = heads.get(room)!.last ?? null;
        const changed = last ? state.get(stateKey(room, last.seq)) : undefined;
        summaries.set(
          room,
          changed && dirty.has(stateKey(room, changed.seq)) ? lastMessageOf(changed) : last,
        );
      }
      for (const result of results) {
        const { message } = result;
        if (!result.duplicate && !isActionEntry(message)) {
          summaries.set(
            message.room,
            lastMessageOf(state.get(stateKey(message.room, message.seq))!),
          );
        }
      }
      // Every room with a new entry has a summary: a new non-action message, or an action
      // room's, read with its head.
      for (const [room, message] of newest) {
        atomic.set(keys.roomHead(room), roomHeadValue(message.seq, summaries.get(room)));
        if (heads.get(room)!.legacy) atomic.delete(keys.roomLast(room));
      }
      // A room's activity moves with a new message that is not an action.
      const moved = new Set<string>();
      for (const result of results) {
        if (!result.duplicate && !isActionEntry(result.message)) moved.add(result.message.room);
      }
      for (const room of indexed) {
        if (!moved.has(room)) continue;
        writeRoomActivity(atomic, room, members.get(room)!, now, this.#indexedAt.get(room));
      }
      const commit = await commitAtomic(atomic);
      if (commit.ok) {
        for (const [room, message] of newest) {
          this.#rememberHead(room, { seq: message.seq, versionstamp: commit.versionstamp });
        }
        for (const room of indexed) if (moved.has(room)) this.#rememberIndexed(room, now);
        markActivity(results, indexed.filter((room) => moved.has(room)), members);
        await this.#loadStored(results, storedEarlier);
        if (released.length > 0) this.#releaseDeleted(released);
        return results;
      }
      for (const room of rooms) this.#knownHeads.delete(room);
      if (optimistic) continue;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt))
      );
    }
    throw new Error(`append gave up after ${MAX_ATTEMPTS} conflicting attempts`);
  }

  /**
   * Each room's head: remembered when `trustKnown` and known, unless it is one of `readAlways`;
   * else read (and remembered).
   */
  async #heads(
    rooms: readonly string[],
    trustKnown: boolean,
    readAlways: readonly string[],
  ): Promise<Map<string, KnownHead>> {
    const heads = new Map<string, KnownHead>();
    const fresh = new Set(readAlways);
    const unknown = trustKnown
      ? rooms.filter((room) => fresh.has(room) || !this.#knownHeads.has(room))
      : rooms;
    if (trustKnown) {
      for (const room of rooms) {
        const known = this.#knownHeads.get(room);
        if (known && !fresh.has(room)) heads.set(room, known);
      }
    }
    const read = await readRoomHeads(this.#kv, unknown);
    unknown.forEach((room, i) => {
      const head = read[i]!;
      heads.set(room, head);
      const { seq, versionstamp, legacy } = head;
      this.#rememberHead(room, { seq, versionstamp, legacy });
    });
    return heads;
  }

  /**
   * The members of `rooms` for their activity entries: remembered ones, unless `verify` finds
   * their revision changed; the others read (and remembered).
   */
  async #readMembers(
    rooms: readonly string[],
    verify: boolean,
  ): Promise<Map<string, RoomMembers>> {
    const found = new Map<string, RoomMembers>();
    const cached = rooms.filter((room) => this.#members.has(room));
    const current = verify ? await memberRevisions(this.#kv, cached) : undefined;
    const unknown = rooms.filter((room) => !this.#members.has(room));
    cached.forEach((room, i) => {
      const members = this.#members.get(room)!;
      if (current && current[i] !== members.versionstamp) unknown.push(room);
      else found.set(room, members);
    });
    await Promise.all(unknown.map(async (room) => {
      const members = await readRoomMembers(this.#kv, room);
      found.set(room, members);
      this.#members.delete(room);
      this.#members.set(room, members);
      if (this.#members.size > KNOWN_HEADS_MAX) {
        this.#members.delete(this.#members.keys().next().value!);
      }
    }));
    return found;
  }

  #rememberIndexed(room: string, at: number): void {
    this.#indexedAt.delete(room);
    this.#indexedAt.set(room, at);
    if (this.#indexedAt.size > KNOWN_HEADS_MAX) {
      this.#indexedAt.delete(this.#indexedAt.keys().next().value!);
    }
  }

  #rememberHead(room: string, head: KnownHead): void {
    this.#knownHeads.delete(room);
    this.#knownHeads.set(room, head);
    if (this.#knownHeads.size > KNOWN_HEADS_MAX) {
      this.#knownHeads.delete(this.#knownHeads.keys().next().value!);
    }
  }

  /** Replaces the duplicates' drafts with the messages stored under their clientIds. */
  async #loadStored(results: AppendResult[], indexes: number[]): Promise<void> {
    const originals = await readMany<ChatMessage>(
      this.#kv,
      indexes.map((i) => keys.message(results[i]!.message.room, results[i]!.message.seq)),
    );
    indexes.forEach((resultIndex, i) => {
      const original = originals[i]!.value;
      if (original) results[resultIndex] = { message: original, duplicate: true };
    });
  }

  async after(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]> {
    const entries = this.#kv.list<ChatMessage>(
      { prefix: keys.messages(room), start: keys.message(room, afterSeq + 1) },
      { limit, batchSize: Math.min(limit, 500) },
    );
    const messages: ChatMessage[] = [];
    for await (const entry of entries) messages.push(entry.value);
    return await this.#withChanged(messages);
  }

  async before(room: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]> {
    const selector = beforeSeq === undefined
      ? { prefix: keys.messages(room) }
      : { prefix: keys.messages(room), end: keys.message(room, beforeSeq) };
    const entries = this.#kv.list<ChatMessage>(selector, {
      limit,
      reverse: true,
      batchSize: Math.min(limit, 500),
    });
    const messages: ChatMessage[] = [];
    for await (const entry of entries) messages.push(entry.value);
    return await this.#withChanged(messages.reverse());
  }

  /** Gives each action entry the current state of its target (read in one batch). */
  async #withChanged(messages: ChatMessage[]): Promise<ChatMessage[]> {
    const actions = messages.filter((message) => isActionEntry(message) && message.target);
    if (actions.length === 0) return messages;
    const targets = uniqueKeys(actions.map((message) => [message.room, message.target!]));
    const read = await readMany<ChatMessage>(
      this.#kv,
      targets.map(([room, seq]) => keys.message(room, seq)),
    );
    const bySeq = new Map<number, ChatMessage>();
    read.forEach((entry) => entry.value && bySeq.set(entry.value.seq, entry.value));
    return messages.map((message) => {
      const changed = isActionEntry(message) ? bySeq.get(message.target!) : undefined;
      return changed ? { ...message, changed } : message;
    });
  }

  async get(room: string, seq: number): Promise<ChatMessage | null> {
    return (await this.#kv.get<ChatMessage>(keys.message(room, seq))).value;
  }

  async byClientId(room: string, from: string, clientId: string): Promise<ChatMessage | null> {
    const record = await this.#kv.get<ClientIdRecord>(
      keys.messageByClientId(room, from, clientId),
    );
    return record.value ? await this.get(room, record.value.seq) : null;
  }

  async versions(room: string, seq: number): Promise<MessageVersion[]> {
    const versions: MessageVersion[] = [];
    const entries = this.#kv.list<MessageVersion>({ prefix: keys.messageVersions(room, seq) });
    for await (const entry of entries) versions.push(entry.value);
    return versions;
  }

  async head(room: string): Promise<number> {
    return headSeq((await this.#kv.get<StoredHead>(keys.roomHead(room))).value);
  }

  async heads(rooms: readonly string[]): Promise<number[]> {
    const entries = await readMany<StoredHead>(this.#kv, rooms.map((room) => keys.roomHead(room)));
    return entries.map((entry) => headSeq(entry.value));
  }

  async lastMessages(rooms: readonly string[]): Promise<(LastMessage | null)[]> {
    return (await readRoomHeads(this.#kv, rooms)).map((head) => head.last);
  }
}

/**
 * Sets {@linkcode AppendResult.activityFor} on the first new message of each of `rooms` (whose
 * activity entries the commit wrote) to the members it wrote them for.
 */
function markActivity(
  results: readonly AppendResult[],
  rooms: readonly string[],
  members: ReadonlyMap<string, RoomMembers>,
): void {
  const left = new Set(rooms);
  for (const result of results) {
    const room = result.message.room;
    if (result.duplicate || isActionEntry(result.message) || !left.delete(room)) continue;
    const ids = members.get(room)?.ids;
    if (ids) result.activityFor = ids;
  }
}

/** The authors of drafts whose account the commit checks ({@linkcode checksAuthor}), once each. */
function authorsChecked(drafts: readonly MessageDraft[]): string[] {
  return [...new Set(drafts.filter(checksAuthor).map((draft) => draft.from))];
}

/** Rooms where some draft is a new message that is not an action: their activity moves. */
function activityRooms(drafts: readonly MessageDraft[]): string[] {
  return [...new Set(drafts.filter((draft) => !isAction(draft)).map((draft) => draft.room))];
}

function isAction(draft: MessageDraft): boolean {
  return draft.kind === "edit" || draft.kind === "delete" || draft.kind === "reaction";
}

function actionOf(draft: MessageDraft): MessageAction {
  return {
    kind: draft.kind as MessageAction["kind"],
    from: draft.from,
    author: draft.author,
    text: draft.text,
    ...(draft.emoji !== undefined ? { emoji: draft.emoji } : {}),
    ...(draft.on !== undefined ? { on: draft.on } : {}),
    ...(draft.mentions?.length ? { mentions: draft.mentions } : {}),
    ...(draft.e2e ? { encrypted: true as const } : {}),
  };
}

function stateKey(room: string, seq: number): string {
  return `${room}\u0000${seq}`;
}

/** (room, seq) pairs without repeats, in first-seen order. */
function uniqueKeys(pairs: [string, number][]): [string, number][] {
  const seen = new Map<string, [string, number]>();
  for (const pair of pairs) seen.set(stateKey(...pair), pair);
  return [...seen.values()];
}

function clientIdKey(draft: MessageDraft): Deno.KvKey {
  return keys.messageByClientId(draft.room, draft.from, draft.clientId);
}

/** The stored entry of a draft; an action entry never keeps text (an edit's is in its target). */
function messageOf(draft: MessageDraft, id: string, seq: number, at: number): ChatMessage {
  const action = isAction(draft);
  return {
    room: draft.room,
    seq,
    id,
    from: draft.from,
    author: draft.author,
    text: action ? "" : draft.text,
    at,
    ...(draft.kind ? { kind: draft.kind } : {}),
    ...(draft.event ? { event: draft.event } : {}),
    ...(draft.attachments ? { attachments: draft.attachments } : {}),
    ...(!action && draft.mentions?.length ? { mentions: draft.mentions } : {}),
    ...(action ? { target: draft.target } : {}),
    ...(draft.emoji !== undefined ? { emoji: draft.emoji } : {}),
    ...(draft.on !== undefined ? { on: draft.on } : {}),
    ...(draft.replyTo ? { replyTo: draft.replyTo } : {}),
    ...(draft.e2e ? { e2e: draft.e2e } : {}),
  };
}

/** The ids of the files (and thumbnails) a draft attaches, each once. */
function attachedFileIds(draft: MessageDraft): string[] {
  const ids = new Set<string>();
  for (const attachment of draft.attachments ?? []) {
    ids.add(attachment.id);
    if (attachment.thumb) ids.add(attachment.thumb.id);
  }
  return [...ids];
}

/**
 * What a draft adds to its commit's pending search entry (`search_pending.ts`): at most one
 * more entry (a message's postings never fill one alone) and the bytes of its postings.
 */
interface IndexCost {
  writes: number;
  bytes: number;
  /** A new message's terms. */
  terms?: string[];
}

const NO_INDEX_COST: IndexCost = { writes: 0, bytes: 0 };
/** A pending entry's key: its prefix, time and id. */
const PENDING_KEY_BYTES = 80;

/** Upper bound of what `draft` adds to the search index of its commit: its new terms. */
function indexCostOf(draft: MessageDraft): IndexCost {
  if (draft.kind === "reaction" || draft.kind === "system" || draft.kind === "delete") {
    return NO_INDEX_COST;
  }
  const terms = textTerms(searchableText(draft));
  if (terms.length === 0) return NO_INDEX_COST;
  const bytes = 3 * (utf8Length(draft.room) + utf8Length(draft.from)) + 48 +
    terms.reduce((sum, term) => sum + 3 * term.length + 4, 0);
  return { ...(draft.kind === undefined ? { terms } : {}), writes: 1, bytes };
}

/**
 * Index after the last draft that fits one commit starting at `start` (at least one);
 * `indexCost` tells the search index writes of a draft.
 */
function chunkEnd(
  drafts: readonly MessageDraft[],
  start: number,
  indexCost: (draft: MessageDraft) => IndexCost,
  activityCost: (room: string) => number | undefined,
): number {
  const rooms = new Set<string>();
  const authors = new Set<string>();
  const activeRooms = new Set<string>();
  let bytes = 0;
  let keyBytes = 0;
  let mutations = 0;
  let end = start;
  while (end < drafts.length) {
    const draft = drafts[end]!;
    const newRoom = !rooms.has(draft.room);
    // Upper bounds of the UTF-8 sizes, without encoding: the message and its idempotency
    // record, plus (for a room new to the commit) its head check, head and summary.
    const room = utf8Length(draft.room);
    // A system message's event repeats its names, a room name or a topic: a few hundred bytes.
    const event = draft.event ? 3 * JSON.stringify(draft.event).length : 0;
    // Attachments: their stored fields (names are at most 200 UTF-16 units), one file_ref
    // entry per file id, each a key of about 64 + room bytes, and one author_file entry.
    const files = attachedFileIds(draft).length;
    const authored = files > 0 ? 1 : 0;
    const attached = draft.attachments ? 3 * JSON.stringify(draft.attachments).length : 0;
    // Mentions: at most 20 ids of ASCII characters, quoted and comma-separated.
    const mentions = draft.mentions ? JSON.stringify(draft.mentions).length : 0;
    // An encrypted message's MLS payload: base64, so one byte per character.
    const e2e = draft.e2e ? JSON.stringify(draft.e2e).length : 0;
    // An action also rewrites its target (at most ACTION_TARGET_BYTES with its reactions) and
    // keeps or erases versions; a reply carries an excerpt of its original.
    const action = isAction(draft) ? ACTION_TARGET_BYTES + 3 * MAX_TEXT_CHARS : 0;
    const reply = draft.replyTo
      ? 3 *
        (REPLY_EXCERPT_CHARS + draft.replyTo.author.length + (draft.replyTo.file?.name.length ?? 0))
      : 0;
    // Search index: its postings in the commit's pending entry, which may need one more key.
    const { writes: terms, bytes: index } = indexCost(draft);
    const size = 3 * (draft.text.length + draft.author.length) + event + attached + mentions + e2e +
      512 + action + reply + (files + authored) * (room + 128) + index +
      (newRoom ? 3 * room + ROOM_OVERHEAD_BYTES : 0);
    // The entry, its clientId record and file_refs; an action's target and versions (a delete
    // erases up to MAX_EDITS); a new room's head and summary.
    // A room's first new non-action message: its members' activity entries (and their key
    // bytes: a user id, a time and the room, about 100 bytes each) and its revision check.
    const activityWrites = isAction(draft) || activeRooms.has(draft.room)
      ? undefined
      : activityCost(draft.room);
    const newActivity = activityWrites !== undefined;
    const activity = activityWrites ?? 0;
    const writes = 2 + files + authored + terms + (isAction(draft) ? 2 + MAX_EDITS : 0) +
      (newRoom ? 2 : 0) +
      activity;
    // The message key, and the clientId key twice (set and checked).
    const clientIdKeySize = room + utf8Length(draft.from) + utf8Length(draft.clientId) + 24;
    // A draft with files checks its author's account, once per author and commit.
    const newAuthor = checksAuthor(draft) && !authors.has(draft.from);
    const keySize = room + 24 + 2 * clientIdKeySize + files * (room + 96) +
      authored * (room + utf8Length(draft.from) + 40) +
      (newAuthor ? utf8Length(draft.from) + 16 : 0) +
      terms * PENDING_KEY_BYTES + (newRoom ? 3 * room + 48 : 0) +
      (newActivity ? (activity + 1) * (room + 100) : 0);
    const checks = end - start + 1 + rooms.size + (newRoom ? 1 : 0) + activeRooms.size +
      authors.size + (newAuthor ? 1 : 0) +
      (newActivity ? 1 : 0);
    if (
      end > start &&
      (bytes + size > MAX_BYTES_PER_COMMIT ||
        keyBytes + keySize > MAX_KEY_BYTES_PER_COMMIT ||
        checks > MAX_CHECKS_PER_COMMIT ||
        mutations + writes > MAX_MUTATIONS_PER_COMMIT)
    ) break;
    rooms.add(draft.room);
    if (newAuthor) authors.add(draft.from);
    if (newActivity) activeRooms.add(draft.room);
    mutations += writes;
    bytes += size;
    keyBytes += keySize;
    end++;
  }
  return end;
}

/** UTF-8 size of `text` (a lone surrogate counts as the 3 bytes of its replacement). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
  }
  return bytes;
}
