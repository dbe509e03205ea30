/**
 * `deno task bench --only search-queries --file F [--against DIR --against-file G] [--rounds 3]
 * [--queries 60] [--slowest N]`: two-word queries on a file `--only search` seeded (reader `bench-reader`),
 * the same queries for every version (a fixed seed), alternating this checkout's
 * `MessageSearch` on F with the one of the checkout in DIR on G (a copy of F in that version's
 * layout) round by round. Prints per version and round the median, p90 and p99 time, the
 * process CPU per query, and what a query read: KV entries listed (blocks among them) and keys
 * got (message and room reads). Counts are exact; times move with the machine's load. With
 * `--slowest N`, also the N slowest queries of each run, each with its words, time, process CPU
 * (a slow query whose CPU is small waited for the machine) and what it read.
 *
 * @module
 */
import process from "node:process";
import { systemClock } from "../lib/common/clock.ts";
import { EN_WORDS, ZH_WORDS } from "./search_text_gen.ts";

/** What `--only search-queries` was asked for. */
export interface SearchQueriesOptions {
  file: string;
  against?: { dir: string; file: string };
  rounds: number;
  queries: number;
  /** Also print this many slowest queries of each run with what each read (0: none). */
  slowest?: number;
}

/** What one query read, summed over a run. */
interface Reads {
  listed: number;
  blocks: number;
  got: number;
}

const READER = "bench-reader";

/** Runs the rounds and prints a line per version and round. */
export async function runSearchQueries(options: SearchQueriesOptions): Promise<void> {
  const versions = [{
    name: "this",
    dir: new URL("..", import.meta.url).pathname,
    file: options.file,
  }];
  if (options.against) versions.push({ name: options.against.dir, ...options.against });
  for (let round = 0; round < options.rounds; round++) {
    for (const version of round % 2 === 0 ? versions : [...versions].reverse()) {
      const figures = await timeQueries(
        version.dir,
        version.file,
        options.queries,
        options.slowest ?? 0,
      );
      console.log(`round ${round + 1}, ${version.name}: ${figures.summary}`);
      for (const line of figures.slowest) console.log(`  ${line}`);
    }
  }
}

/** Times `count` queries with the search of the checkout in `dir`, on `file`. */
async function timeQueries(
  dir: string,
  file: string,
  count: number,
  slowest: number,
): Promise<{ summary: string; slowest: string[] }> {
  const { Accounts } = await import(`${dir}/lib/accounts/accounts.ts`);
  const { Profiles } = await import(`${dir}/lib/accounts/profiles.ts`);
  const { TokenBuckets } = await import(`${dir}/lib/limits/token_bucket.ts`);
  const { MessageSearch } = await import(`${dir}/lib/search/message_search.ts`);
  const kv = countReads(await Deno.openKv(file));
  try {
    const accounts = new Accounts(kv.kv, systemClock);
    const limiter = new TokenBuckets(systemClock, 1e6, 1e6);
    const search = new MessageSearch(kv.kv, accounts, new Profiles(kv.kv, accounts), limiter);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)]!;
    const times: number[] = [];
    const each: { ms: number; cpuMs: number; q: string; hits: number; reads: Reads }[] = [];
    let hits = 0;
    let cpu = process.cpuUsage();
    for (let i = 0; i < count + 5; i++) {
      if (i === 5) {
        cpu = process.cpuUsage();
        Object.assign(kv.reads, { listed: 0, blocks: 0, got: 0 });
      }
      const pair = i % 3 === 0
        ? [pick(ZH_WORDS), pick(ZH_WORDS)]
        : i % 3 === 1
        ? [pick(EN_WORDS), pick(EN_WORDS)]
        : [pick(ZH_WORDS), pick(EN_WORDS)];
      const before = { ...kv.reads };
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const page = await search.search(READER, { q: `${pair.join(" ")} `, limit: 20 });
      if (!page.ok) throw new Error(`query refused: ${page.error}`);
      if (i >= 5) {
        const ms = performance.now() - t0;
        const spent = process.cpuUsage(cpu0);
        const cpuMs = (spent.user + spent.system) / 1000;
        times.push(ms);
        hits += page.hits.length;
        const reads = {
          listed: kv.reads.listed - before.listed,
          blocks: kv.reads.blocks - before.blocks,
          got: kv.reads.got - before.got,
        };
        each.push({ ms, cpuMs, q: pair.join(" "), hits: page.hits.length, reads });
      }
    }
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    const per = (n: number) => (n / count).toFixed(1);
    const slow = each.sort((a, b) => b.ms - a.ms).slice(0, slowest).map((query) =>
      `${query.ms.toFixed(1)} ms (CPU ${query.cpuMs.toFixed(1)} ms) "${query.q}": ${query.hits} ` +
      `results, listed ${query.reads.listed} (blocks ${query.reads.blocks}), got ${query.reads.got}`
    );
    const summary = `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${
      at(0.99).toFixed(1)
    } ms, CPU ${((used.user + used.system) / 1000 / count).toFixed(1)} ms, results ${
      per(hits)
    }; per query: listed ${per(kv.reads.listed)} (blocks ${per(kv.reads.blocks)}), got ${
      per(kv.reads.got)
    }`;
    return { summary, slowest: slow };
  } finally {
    kv.kv.close();
  }
}

/** `kv` with its `list` entries and `getMany` keys counted. */
function countReads(kv: Deno.Kv): { kv: Deno.Kv; reads: Reads } {
  const reads: Reads = { listed: 0, blocks: 0, got: 0 };
  const getMany = kv.getMany.bind(kv);
  const list = kv.list.bind(kv);
  Object.assign(kv, {
    getMany: (keys: Deno.KvKey[], options?: { consistency?: Deno.KvConsistencyLevel }) => {
      reads.got += keys.length;
      return getMany(keys, options);
    },
    list: (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
      const iterator = list(selector, options);
      const next = iterator.next.bind(iterator);
      iterator.next = async () => {
        const result = await next();
        if (!result.done) {
          reads.listed++;
          if (result.value.key[0] === "search_block") reads.blocks++;
        }
        return result;
      };
      return iterator;
    },
  });
  return { kv, reads };
}
