/**
 * `deno task bench --only search [--messages N] [--rooms R] [--member-of M] [--queries Q]
 * [--seed-seconds S] [--against DIR]`:
 * message search at scale, in process on a KV file (the store and the search service, no
 * sockets). Seeds N messages (default 1,000,000) of mixed Chinese and English text over R
 * rooms (default 1,000) through the real store, so with the real index, and caches the file in
 * `bench/.cache/`; with `--seed-seconds S` a run seeds for at most S seconds, measures what is
 * seeded so far (the table says how many) and the next run goes on from there. Seeding works on
 * a copy of the file in `/dev/shm` (when there is one), moved back when the run stops seeding:
 * see {@linkcode seedFile} for why and what it keeps exact. A reader is a member of M rooms
 * (default 50). Then it measures:
 *
 * - the median and p99 time of Q two-word queries (the second word typed whole), first pages
 *   of 20 results over the reader's rooms;
 * - the write path with and without the index, side by side: rounds of appends in batches of
 *   50 (a busy group commit), alternating the two stores on the same KV file so drift hits
 *   both; sends per second and process CPU per send (all threads, SQLite's included). With the
 *   index, a `SearchMerger` runs as in a server (`start()`'s defaults; one per version, kept
 *   across its rounds) and what is left pending at the end of a round is merged inside the
 *   round, so its CPU counts: the index's whole cost. With `--against DIR`, the store and
 *   merger of the checkout in DIR write a third round each time, on the same file.
 *
 * @module
 */
import process from "node:process";
import { Accounts } from "../lib/accounts/accounts.ts";
import { Profiles } from "../lib/accounts/profiles.ts";
import { systemClock } from "../lib/common/clock.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { TokenBuckets } from "../lib/limits/token_bucket.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { setMembership } from "../lib/rooms/memberships.ts";
import type { RoomRecord } from "../lib/rooms/room_record.ts";
import { BlockCompactor, RETIRE_AFTER_MS } from "../lib/search/block_compactor.ts";
import { MessageSearch } from "../lib/search/message_search.ts";
import { SearchMerger } from "../lib/search/search_merger.ts";
import { headSeq, type StoredHead } from "../lib/messages/room_head.ts";
import { EN_WORDS, randomText, ZH_WORDS } from "./search_text_gen.ts";

/** What `--only search` measures with. */
export interface SearchBenchOptions {
  messages: number;
  rooms: number;
  memberOf: number;
  queries: number;
  /**
   * Seconds of seeding this run may spend at most; a file seeded in part is measured as it is
   * and goes on seeding in the next run.
   */
  seedSeconds?: number;
  /**
   * Another checkout whose store and merger write too, a third version alternating in the
   * write rounds.
   */
  against?: string;
}

const cacheDir = new URL(".cache/", import.meta.url).pathname;
const READER = "bench-reader";
/**
 * Messages appended between two merges while seeding, spread over {@linkcode SEED_LANES}
 * concurrent appends of disjoint rooms.
 */
const SEED_BATCH = 4_000;
/**
 * Concurrent appends while seeding, each to its own rooms (room index modulo the lanes), so
 * they never conflict on a head: one lane's segmenting and commit building (the JavaScript
 * thread) overlaps another's commit (KV's SQLite thread), as a server's writers do.
 */
const SEED_LANES = 4;
/** Where seeding works: a tmpfs, when the machine has one. */
const SEED_DIR = "/dev/shm/";
const WRITE_BATCH = 50;
const WRITE_ROUNDS = 6;
const WRITES_PER_ROUND = 5_000;

/** Runs the search benchmark and prints its figures as a Markdown table. */
export async function runSearchBench(options: SearchBenchOptions): Promise<void> {
  await Deno.mkdir(cacheDir, { recursive: true });
  // "packed": the index layout of `lib/search/posting_block.ts` (older files had another).
  const path = `${cacheDir}search-packed-${options.messages}-${options.rooms}.kv`;
  const seeded = await seedFile(path, options);
  const kv = await Deno.openKv(path);
  try {
    if (seeded.messages < options.messages) {
      console.log(`  seeding stopped at ${seeded.messages.toLocaleString("en")} messages`);
    }
    const queries = await timeQueries(kv, options);
    const writes = await timeWrites(kv, options.rooms, options.against);
    const plain = writes.get("plain")!;
    const rows = [
      `| messages | rooms | reader in | seeding | query median | query p99 | results/query |`,
      `| --- | --- | --- | --- | --- | --- | --- |`,
      `| ${seeded.messages.toLocaleString("en")} | ${options.rooms} | ${options.memberOf} | ${
        seeded.seconds.toFixed(0)
      } s | ${queries.median.toFixed(1)} ms | ${queries.p99.toFixed(1)} ms | ${
        queries.hits.toFixed(1)
      } |`,
      ``,
      `| write path (batches of ${WRITE_BATCH}) | sends/s | CPU per send | index cost (CPU) |`,
      `| --- | --- | --- | --- |`,
      ...[...writes].map(([name, { rate, cpuUs }]) =>
        `| ${
          name === "plain" ? "without the index" : name === "indexed" ? "with the index" : name
        } | ${rate.toFixed(0)} | ${cpuUs.toFixed(0)} µs | ${
          name === "plain" ? "" : pct(cpuUs / plain.cpuUs - 1)
        } |`
      ),
    ];
    console.log(rows.join("\n"));
  } finally {
    kv.close();
  }
}

function pct(ratio: number): string {
  return `${ratio >= 0 ? "+" : ""}${(100 * ratio).toFixed(0)} %`;
}

function roomId(i: number): string {
  return `bench_room_${i}`;
}

function roomIndex(id: string): number {
  return Number(id.slice("bench_room_".length));
}

/**
 * Seeds the file at `path` (see {@linkcode seed}) in a copy on tmpfs, then moves it back: the
 * file outgrows SQLite's page cache past ~100,000 messages, after which each commit's B-tree
 * inserts (message, clientId and block keys spread over the whole file) read pages from disk, and
 * every commit waits for its fsync. The file's contents are what the same appends and merges
 * write on disk; only where SQLite's pages live while seeding differs. A run stopped while
 * seeding (Ctrl+C, a crash) leaves its copy in tmpfs, which the next run goes on from.
 */
async function seedFile(
  path: string,
  options: SearchBenchOptions,
): Promise<{ seconds: number; messages: number }> {
  const onTmpfs = await exists(SEED_DIR);
  const work = onTmpfs ? SEED_DIR + path.slice(path.lastIndexOf("/") + 1) : path;
  if (onTmpfs && !(await exists(work))) {
    const kv = await Deno.openKv(path);
    const done = (await kv.get(SEEDED)).versionstamp !== null;
    kv.close();
    if (done) return { seconds: 0, messages: options.messages };
    await copyKv(path, work);
  }
  const kv = await Deno.openKv(work);
  let seeded;
  try {
    seeded = await seed(kv, options);
  } finally {
    kv.close();
  }
  if (work !== path) {
    await copyKv(work, path);
    for (const suffix of KV_FILE_SUFFIXES) await Deno.remove(work + suffix).catch(() => {});
  }
  return seeded;
}

/** SQLite's files of a KV file: the database, its write-ahead log and the log's index. */
const KV_FILE_SUFFIXES = ["", "-wal", "-shm"];

/**
 * Copies the closed KV file `from` (with its log, if SQLite left one) over `to`. SQLite
 * folds the log into the file as the last connection closes, shortly after `kv.close()`: it
 * waits up to 10 s for that, and copies a log still there with the file.
 */
async function copyKv(from: string, to: string): Promise<void> {
  for (let waited = 0; waited < 10_000 && await exists(from + "-wal"); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const suffix of KV_FILE_SUFFIXES) {
    await Deno.remove(to + suffix).catch(() => {});
    if (await exists(from + suffix)) await Deno.copyFile(from + suffix, to + suffix);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Marks a file seeded to the end. */
const SEEDED = ["bench_search_seeded"];

/**
 * Seeds the file up to `options.messages` (a marker says it is complete), going on from where
 * an earlier run stopped, for at most `options.seedSeconds`; returns the seconds this run spent
 * and the messages seeded.
 */
async function seed(
  kv: Deno.Kv,
  options: SearchBenchOptions,
): Promise<{ seconds: number; messages: number }> {
  const marker = SEEDED;
  if ((await kv.get(marker)).versionstamp) return { seconds: 0, messages: options.messages };
  const started = performance.now();
  const progress = ["bench_search_seeded_count"];
  let sent = (await kv.get<number>(progress)).value ?? await storedMessages(kv, options.rooms);
  if (sent === 0) await seedRooms(kv, options);
  const store = new KvMessageStore(kv, systemClock);
  const merger = new SearchMerger(kv);
  const deadline = started + 1000 * (options.seedSeconds ?? Infinity);
  for (; sent < options.messages && performance.now() < deadline; sent += SEED_BATCH) {
    const count = Math.min(SEED_BATCH, options.messages - sent);
    const lanes = Array.from({ length: SEED_LANES }, (): MessageDraft[] => []);
    for (const draft of drafts(sent, count, options.rooms)) {
      lanes[roomIndex(draft.room) % SEED_LANES]!.push(draft);
    }
    await Promise.all(lanes.map((lane) => store.append(lane)));
    await merger.mergeAll();
    await kv.set(progress, sent + count);
    if ((sent / SEED_BATCH) % 25 === 0) {
      const seconds = (performance.now() - started) / 1000;
      console.log(`  seeded ${sent.toLocaleString("en")} messages, ${seconds.toFixed(0)} s`);
    }
  }
  sent = Math.min(sent, options.messages);
  await compactAll(kv);
  if (sent === options.messages) await kv.set(marker, true);
  return { seconds: (performance.now() - started) / 1000, messages: sent };
}

/**
 * Compacts every term's blocks from newest to oldest, as the seeding's merger does as it goes
 * (a file seeded before compaction, or the last few merges' blocks of each term), and deletes
 * the blocks it folded.
 */
export async function compactAll(kv: Deno.Kv): Promise<void> {
  const compactor = new BlockCompactor(kv);
  let from: Deno.KvKey | undefined;
  for (;;) {
    const prefix = keys.searchBlocksAll();
    const next = await kv.list(from ? { prefix, start: from } : { prefix }, { limit: 1 }).next();
    if (next.done) break;
    const term = next.value.key[1] as string;
    await compactor.compactTerm(term);
    from = keys.searchBlocks(term + "\0");
  }
  // Nothing reads this file meanwhile: the folded blocks can go at once.
  await new BlockCompactor(kv, () => Date.now() + RETIRE_AFTER_MS).retire();
}

/** Messages stored in the bench's rooms (their heads), for a file seeded before the count. */
async function storedMessages(kv: Deno.Kv, rooms: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < rooms; i += 10) {
    const ids = Array.from({ length: Math.min(10, rooms - i) }, (_, k) => roomId(i + k));
    const heads = await kv.getMany<StoredHead[]>(ids.map((id) => keys.roomHead(id)));
    for (const head of heads) total += headSeq(head.value);
  }
  return total;
}

/** The bench's rooms, the reader a member of the first `options.memberOf`. */
async function seedRooms(kv: Deno.Kv, options: SearchBenchOptions): Promise<void> {
  let rooms = kv.atomic();
  for (let i = 0; i < options.rooms; i++) {
    // Below KV's 1,000 mutations per commit (a room and maybe a membership: its two entries
    // and the reader's `rooms_mark`).
    if (i > 0 && i % 200 === 0) {
      await rooms.commit();
      rooms = kv.atomic();
    }
    const record: RoomRecord = {
      id: roomId(i),
      name: `room ${i}`,
      topic: "",
      createdAt: 0,
      createdBy: "bench",
      visibility: "private",
    };
    rooms.set(keys.room(roomId(i)), record);
    if (i < options.memberOf) setMembership(rooms, roomId(i), READER, { joinedAt: 0 });
  }
  await rooms.commit();
}

function drafts(first: number, count: number, rooms: number): MessageDraft[] {
  return Array.from({ length: count }, (_, i) => ({
    room: roomId(Math.floor(Math.random() * rooms)),
    from: `bench_user_${(first + i) % 500}`,
    author: `user${(first + i) % 500}`,
    clientId: `seed-${first + i}`,
    text: randomText(),
  }));
}

async function timeQueries(kv: Deno.Kv, options: SearchBenchOptions) {
  const accounts = new Accounts(kv, systemClock);
  const limiter = new TokenBuckets(systemClock, 1e6, 1e6);
  const search = new MessageSearch(kv, accounts, new Profiles(kv, accounts), limiter);
  const times: number[] = [];
  let hits = 0;
  const pick = (words: readonly string[]) => words[Math.floor(Math.random() * words.length)]!;
  for (let i = 0; i < options.queries + 10; i++) {
    // Half Chinese, half English, some mixed: each query is two words, the second typed whole.
    const pair = i % 3 === 0
      ? [pick(ZH_WORDS), pick(ZH_WORDS)]
      : i % 3 === 1
      ? [pick(EN_WORDS), pick(EN_WORDS)]
      : [pick(ZH_WORDS), pick(EN_WORDS)];
    const t0 = performance.now();
    const page = await search.search(READER, { q: `${pair.join(" ")} `, limit: 20 });
    if (!page.ok) throw new Error(`query refused: ${page.error}`);
    if (i >= 10) {
      times.push(performance.now() - t0);
      hits += page.hits.length;
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median: at(0.5), p99: at(0.99), hits: hits / options.queries };
}

/** A store and the merger that goes with it, as one checkout writes them. */
interface WriteVersion {
  name: string;
  store: KvMessageStore;
  Merger?: typeof SearchMerger;
}

/** Sends per second and CPU µs per send of each version's write rounds, by name. */
async function timeWrites(kv: Deno.Kv, rooms: number, against?: string) {
  const versions: WriteVersion[] = [
    { name: "plain", store: new KvMessageStore(kv, systemClock, { searchIndex: false }) },
    { name: "indexed", store: new KvMessageStore(kv, systemClock), Merger: SearchMerger },
  ];
  if (against) {
    const dir = against.replace(/\/$/, "");
    const { KvMessageStore: Store } = await import(`${dir}/lib/messages/message_store_kv.ts`);
    const { SearchMerger: Merger } = await import(`${dir}/lib/search/search_merger.ts`);
    versions.push({ name: against, store: new Store(kv, systemClock), Merger });
  }
  const totals = new Map(versions.map((v) => [v.name, { ms: 0, cpuUs: 0, sends: 0 }]));
  // One merger per version for all its rounds, as a server keeps one (a new one per round
  // counted each round's small blocks from zero, so fewer reached a fold).
  const mergers = new Map(versions.map((v) => [v.name, v.Merger ? new v.Merger(kv) : undefined]));
  let n = 0;
  for (let round = 0; round < WRITE_ROUNDS; round++) {
    for (const version of round % 2 === 0 ? versions : [...versions].reverse()) {
      const batches = Array.from(
        { length: WRITES_PER_ROUND / WRITE_BATCH },
        () => drafts(1e9 + (n += WRITE_BATCH), WRITE_BATCH, rooms),
      );
      const merger = mergers.get(version.name);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      merger?.start();
      for (const batch of batches) await version.store.append(batch);
      await merger?.stop();
      await merger?.mergeAll();
      const used = process.cpuUsage(cpu);
      const total = totals.get(version.name)!;
      total.ms += performance.now() - t0;
      total.cpuUs += used.user + used.system;
      total.sends += WRITES_PER_ROUND;
    }
  }
  // As a server shutting down: this checkout's merger folds what it wrote since its last folds
  // (not measured: once per process), so the cached file keeps no run of small blocks.
  await mergers.get("indexed")?.compactWritten();
  return new Map(
    [...totals].map((
      [name, t],
    ) => [name, { rate: t.sends / (t.ms / 1000), cpuUs: t.cpuUs / t.sends }]),
  );
}
