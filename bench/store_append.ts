/**
 * `deno task bench --only store-append`: the CPU one message costs the KV message store, in
 * process, split by thread: the JavaScript thread (building the atomic, serializing values,
 * `op_kv_atomic_write`), Deno KV's SQLite thread (`sw-*`) and V8's helpers (GC). Drafts like
 * scenario (b)'s (rooms of 2, the generator's text) go through `KvMessageStore.append` in groups
 * of `--batch` (the writer's group commit; default 40), on a KV file of its own where each room
 * has its two senders as members, with and without the search index. `--rooms N` spreads them
 * over N rooms instead of (b)'s 500: with many rooms, a room's head is rarely on a page that
 * another set of the commit touched. CPU time is counted per thread from `/proc`, so a busy machine
 * slows the run but changes the figures less than it changes a ladder's.
 *
 * With `--against DIR` the store of another checkout runs in the same process, alternating
 * with this one round by round (A B, then B A). Options: `--rounds N` (default 3), `--batch N`,
 * `--messages N` per measurement (default 8,000, after 2,000 of warm-up), `--pace N`: the
 * store's clock moves N messages per second (a server's offered rate), so its once-a-second
 * activity writes come as often per message as they would there; default real time.
 * `--history N` first appends N messages the same way, not measured: a store that has taken
 * many messages has large tables, where a new key in a random place (a room's page) is more
 * often a page SQLite must read than in a fresh file.
 *
 * `--keys` measures bare KV sets instead (`--batch` per commit), one key family at a time, each
 * with the value the store writes there: new keys spread over 500 (or `--rooms`) rooms as messages' and their
 * clientId records' are, a key per room rewritten (its head, its summary), and keys that only
 * ever grow, for what the place of a key in SQLite's B-tree costs.
 *
 * @module
 */
import type { AppendResult, MessageDraft } from "../lib/messages/message_store.ts";
import { median } from "./median.ts";
import { type ThreadSeconds, threadSeconds } from "./thread_seconds.ts";
import { setMembership } from "../lib/rooms/memberships.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { timedClientId } from "../lib/common/client_id.ts";

interface Store {
  append(drafts: readonly MessageDraft[]): Promise<AppendResult[]>;
}
type StoreClass = new (
  kv: Deno.Kv,
  clock: { now(): number },
  options: { searchIndex?: boolean },
) => Store;

/** What `--only store-append` was asked for. */
export interface StoreAppendOptions {
  rounds: number;
  batch: number;
  messages: number;
  against?: string;
  /** Bare KV sets, scattered against ascending keys, instead of the store. */
  keys?: boolean;
  /** Rooms of two the messages (and `--keys`'s scattered keys) are spread over; 500 as (b). */
  rooms: number;
  /** Messages per second of the store's clock (as offered to a server); default real time. */
  pace?: number;
  /** Messages appended first, not measured (a store with history); default none. */
  history?: number;
}

/** CPU per message of one measurement, in µs, by thread. */
interface Measured {
  version: string;
  index: boolean;
  js: number;
  sqlite: number;
  helpers: number;
}

/** Runs the measurements and prints one line each, then the medians. */
export async function runStoreAppend(options: StoreAppendOptions): Promise<void> {
  if (options.keys) return await runKeyPlacement(options);
  const root = new URL("../", import.meta.url).pathname;
  const versions = [{ name: "this", dir: root }];
  if (options.against) versions.push({ name: options.against, dir: options.against });
  const classes = new Map<string, StoreClass>();
  for (const { name, dir } of versions) {
    const module = await import(`${dir.replace(/\/$/, "")}/lib/messages/message_store_kv.ts`);
    classes.set(name, module.KvMessageStore as StoreClass);
  }
  const results: Measured[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? versions : [...versions].reverse();
    for (const index of [true, false]) {
      for (const { name } of order) {
        const measured = await measure(classes.get(name)!, index, options);
        results.push({ version: name, index, ...measured });
        console.log(
          `round ${round + 1}, ${name}, ${index ? "with" : "without"} index: µs per message ` +
            `JS ${measured.js.toFixed(0)}, SQLite ${measured.sqlite.toFixed(0)}, V8 helpers ` +
            `${measured.helpers.toFixed(0)}, all ${
              (measured.js + measured.sqlite + measured.helpers).toFixed(0)
            }`,
        );
      }
    }
  }
  for (const { name } of versions) {
    for (const index of [true, false]) {
      const mine = results.filter((r) => r.version === name && r.index === index);
      const m = (pick: (r: Measured) => number) => median(mine.map(pick)).toFixed(0);
      console.log(
        `median, ${name}, ${index ? "with" : "without"} index: JS ${m((r) => r.js)}, SQLite ${
          m((r) => r.sqlite)
        }, helpers ${m((r) => r.helpers)}, all ${m((r) => r.js + r.sqlite + r.helpers)} µs/message`,
      );
    }
  }
}

async function measure(
  KvMessageStore: StoreClass,
  index: boolean,
  options: StoreAppendOptions,
): Promise<Omit<Measured, "version" | "index">> {
  const path = await Deno.makeTempFile({ prefix: "store-append-", suffix: ".kv" });
  const kv = await Deno.openKv(path);
  try {
    await seedMembers(kv, options.rooms);
    let sent = 0;
    const start = Date.now();
    // With `--pace`, the store's clock moves as if the messages came at that rate, so its
    // once-a-second writes (the members' activity entries) come as often as in a server.
    const pace = options.pace;
    const clock = { now: () => pace ? start + Math.floor(sent * 1_000 / pace) : Date.now() };
    const store = new KvMessageStore(kv, clock, { searchIndex: index });
    const append = async (messages: number) => {
      for (let done = 0; done < messages; done += options.batch) {
        const drafts: MessageDraft[] = [];
        for (let i = 0; i < options.batch; i++, sent++) {
          // As scenario (b): 1,000 senders in 500 rooms of 2 (or `--rooms`); the generator's text.
          const user = sent % (2 * options.rooms);
          drafts.push({
            room: `bench-b-${sent % options.rooms}`,
            from: `user-${user}`,
            author: `user${user}`,
            // The browser client's form (`lib/common/client_id.ts`).
            clientId: timedClientId(clock.now(), `c-${sent}`),
            text: `${sent % 2} ${sent} 5 ${performance.now().toFixed(3)} ${"x".repeat(48)}`,
          });
        }
        await store.append(drafts);
      }
    };
    await append((options.history ?? 0) + 2_000);
    const before = threadSeconds();
    await append(options.messages);
    const after = threadSeconds();
    const per = (name: keyof ThreadSeconds) =>
      (after[name] - before[name]) / options.messages * 1e6;
    return { js: per("js"), sqlite: per("sqlite"), helpers: per("helpers") };
  } finally {
    kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

/**
 * Room `bench-b-N` of `rooms` gets its two senders as members (`user-N`, `user-N+rooms`), as
 * scenario (b)'s rooms have: the store writes each member's activity entry with every message.
 */
async function seedMembers(kv: Deno.Kv, rooms: number): Promise<void> {
  for (let room = 0; room < rooms; room += 100) {
    const atomic = kv.atomic();
    for (let r = room; r < Math.min(room + 100, rooms); r++) {
      for (const user of [r, r + rooms]) {
        setMembership(atomic, `bench-b-${r}`, `user-${user}`, { joinedAt: Date.now() });
      }
    }
    await atomic.commit();
  }
}

/**
 * Where each kind of set of a message lands, as `--keys` measures it: a new key per message
 * scattered over `--rooms` rooms (`msg`, `msg_client`), a key per room rewritten (`room_head`,
 * `room_last`), and, for comparison, keys no message uses yet: a clientId record keyed by a
 * time-prefixed clientId, and a key that only grows (a log).
 */
const placements = (rooms: number) => {
  // 7,919 is prime: consecutive sets land in different rooms, as a group commit's do.
  const room = (n: number) => `bench-b-${(n * 7919) % rooms}`;
  const user = (n: number) => `user-${(n * 7919) % (2 * rooms)}`;
  return {
    "scattered msg": (n: number) => keys.message(room(n), n),
    "scattered msg_client": (n: number) => keys.messageByClientId(room(n), user(n), `c-${n}`),
    // A clientId that starts with its send's time (as Date.now() and random bits would make)
    // placed first: new records gather at the end of the table.
    "time-ordered msg_client": (n: number): Deno.KvKey => [
      "msg_sent",
      `${(1_796_000_000_000 + n).toString(36)}${((n * 7919) % 65536).toString(16)}`,
      room(n),
      user(n),
    ],
    "rewritten room_head": (n: number) => keys.roomHead(room(n)),
    "rewritten room_last": (n: number) => keys.roomLast(room(n)),
    "ascending": (n: number): Deno.KvKey => ["log", n],
  } satisfies Record<string, (n: number) => Deno.KvKey>;
};

/** Bare KV sets by placement, alternating their order by round; µs per set by thread. */
async function runKeyPlacement(options: StoreAppendOptions): Promise<void> {
  const message = {
    room: "bench-b-1",
    seq: 1,
    id: "0123456789abcdefghijkl",
    from: "user-1",
    author: "user1",
    text: `1 123 5 12345.678 ${"x".repeat(48)}`,
    at: Date.now(),
  };
  const summary = {
    seq: 1,
    at: Date.now(),
    author: "user1",
    from: "user-1",
    preview: message.text,
  };
  // Each placement's value as the store writes it.
  const valueOf = (placement: string, n: number): unknown =>
    placement.endsWith("msg_client")
      ? { id: message.id, seq: n, at: message.at }
      : placement === "rewritten room_head"
      ? n
      : placement === "rewritten room_last"
      ? summary
      : message;
  const keyOf = placements(options.rooms);
  const names = Object.keys(keyOf) as (keyof typeof keyOf)[];
  for (let round = 0; round < options.rounds; round++) {
    for (const placement of round % 2 === 0 ? names : [...names].reverse()) {
      const path = await Deno.makeTempFile({ prefix: "store-keys-", suffix: ".kv" });
      const kv = await Deno.openKv(path);
      let n = 0;
      const sets = async (count: number) => {
        for (let done = 0; done < count; done += options.batch) {
          const atomic = kv.atomic();
          for (let i = 0; i < options.batch; i++, n++) {
            atomic.set(keyOf[placement](n), valueOf(placement, n));
          }
          await atomic.commit();
        }
      };
      await sets(2_000);
      const before = threadSeconds();
      await sets(options.messages);
      const after = threadSeconds();
      kv.close();
      await Deno.remove(path).catch(() => {});
      const per = (name: keyof ThreadSeconds) =>
        ((after[name] - before[name]) / options.messages * 1e6).toFixed(1);
      console.log(
        `round ${round + 1}, ${placement} keys, ${options.batch} sets per commit: µs per set ` +
          `JS ${per("js")}, SQLite ${per("sqlite")}`,
      );
    }
  }
}
