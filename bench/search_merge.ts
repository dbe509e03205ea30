/**
 * `deno task bench --only search-merge [--messages N] [--rounds R] [--against DIR]`: the CPU
 * a search index merge (`SearchMerger.mergeAll`) costs per message, by merge size and by
 * thread, in process. Seeds a file of N messages (default 100,000) of the generator's text over
 * 1,000 rooms once (cached in `bench/.cache/`); each round copies it, then appends 6,000
 * messages in batches of 50 and merges after every 300, 1,000 and 2,000 of them in turn.
 * With `--against DIR` the store and merger of another checkout run on their own copy too,
 * alternating with this one round by round. Only what `mergeAll` takes is counted.
 *
 * @module
 */
import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { SearchMerger } from "../lib/search/search_merger.ts";
import { randomText } from "./search_text_gen.ts";
import { threadSeconds } from "./thread_seconds.ts";

/** What `--only search-merge` was asked for. */
export interface SearchMergeOptions {
  messages: number;
  rounds: number;
  against?: string;
}

interface Versions {
  name: string;
  Store: typeof KvMessageStore;
  Merger: typeof SearchMerger;
}

const cacheDir = new URL(".cache/", import.meta.url).pathname;
const ROOMS = 1_000;
const BATCH = 50;
const MESSAGES_PER_SIZE = 6_000;
const MERGE_SIZES = [300, 1_000, 2_000];

/** Runs the measurements and prints one line per version, round and merge size. */
export async function runSearchMerge(options: SearchMergeOptions): Promise<void> {
  const versions: Versions[] = [{ name: "this", Store: KvMessageStore, Merger: SearchMerger }];
  if (options.against) {
    const dir = options.against.replace(/\/$/, "");
    versions.push({
      name: options.against,
      Store: (await import(`${dir}/lib/messages/message_store_kv.ts`)).KvMessageStore,
      Merger: (await import(`${dir}/lib/search/search_merger.ts`)).SearchMerger,
    });
  }
  await Deno.mkdir(cacheDir, { recursive: true });
  const seeded = `${cacheDir}search-merge-${options.messages}.kv`;
  await seed(seeded, options.messages);
  for (let round = 0; round < options.rounds; round++) {
    for (const version of round % 2 === 0 ? versions : [...versions].reverse()) {
      const path = await Deno.makeTempFile({ prefix: "search-merge-", suffix: ".kv" });
      await Deno.copyFile(seeded, path);
      const kv = await Deno.openKv(path);
      try {
        const store = new version.Store(kv, systemClock);
        const merger = new version.Merger(kv);
        await merger.mergeAll();
        for (const size of MERGE_SIZES) {
          const cpu = { js: 0, sqlite: 0, helpers: 0 };
          for (let sent = 0; sent < MESSAGES_PER_SIZE; sent += BATCH) {
            await store.append(drafts(BATCH));
            if ((sent + BATCH) % size !== 0) continue;
            const before = threadSeconds();
            await merger.mergeAll();
            const after = threadSeconds();
            for (const name of ["js", "sqlite", "helpers"] as const) {
              cpu[name] += after[name] - before[name];
            }
          }
          const us = (seconds: number) => (seconds * 1e6 / MESSAGES_PER_SIZE).toFixed(0);
          console.log(
            `round ${round + 1}, ${version.name}, merges of ${size}: µs per message JS ${
              us(cpu.js)
            }, SQLite ${us(cpu.sqlite)}, helpers ${us(cpu.helpers)}, all ${
              us(cpu.js + cpu.sqlite + cpu.helpers)
            }`,
          );
        }
      } finally {
        kv.close();
        await Deno.remove(path);
      }
    }
  }
}

/** Seeds `path` with `messages` messages, merged, unless it is already (a marker says so). */
async function seed(path: string, messages: number): Promise<void> {
  const kv = await Deno.openKv(path);
  try {
    if ((await kv.get(["bench_merge_seeded"])).versionstamp) return;
    const store = new KvMessageStore(kv, systemClock);
    const merger = new SearchMerger(kv);
    for (let sent = 0; sent < messages; sent += 2_000) {
      await store.append(drafts(Math.min(2_000, messages - sent)));
      await merger.mergeAll();
    }
    await kv.set(["bench_merge_seeded"], true);
  } finally {
    kv.close();
  }
}

function drafts(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    room: `bench_room_${Math.floor(Math.random() * ROOMS)}`,
    from: `bench_user_${i % 500}`,
    author: `user${i % 500}`,
    clientId: crypto.randomUUID(),
    text: randomText(),
  }));
}
