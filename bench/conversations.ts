/**
 * Many conversations: one user in `conversations` rooms (a fifth of them direct), every room
 * holding a few messages from its other member, on a KV file of its own in a temporary folder.
 * Times the conversation list's first page (`GET /api/conversations`, 50 entries) and the chat
 * page (`GET /`, which renders the sidebar's first page on the server), alternating, through a
 * real in-process server. Prints median and p99 of each.
 *
 * With `--against DIR` (another checkout), that checkout's server is started in the same process
 * on the same KV, and every request goes to both, alternating which goes first: the side by side
 * comparison the machine's noise needs.
 *
 * `deno task bench --only conversations [--conversations 2000] [--runs 60] [--against DIR]
 * [--spread]`
 *
 * @module
 */
import { systemClock } from "../lib/common/clock.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import { setMembership } from "../lib/rooms/memberships.ts";
import type { RoomRecord } from "../lib/rooms/room_record.ts";
import { directRoomId } from "../lib/social/direct_room_id.ts";
import { startTestServer } from "../tests/helpers/test_server.ts";
import { seedChat } from "./seed.ts";

/** Options of {@linkcode runConversationsBench}. */
export interface ConversationsBenchOptions {
  /** Rooms the heavy user is a member of. */
  conversations: number;
  /** Timed requests of each kind, after warm-up. */
  runs: number;
  /** Another checkout to measure side by side with this one. */
  against?: string;
  /**
   * Room `i`'s messages a minute after room `i - 1`'s, the newest now (joined before them all),
   * as a heavy user's conversations spread over days; otherwise every message is from the few
   * seconds of seeding, the worst case for the activity index (which reads every room whose
   * entry is within its lag of the page's last).
   */
  spread?: boolean;
}

/** Median and p99 in milliseconds of one kind of request. */
export interface RequestTimes {
  medianMs: number;
  p99Ms: number;
}

/** What {@linkcode runConversationsBench} measured on one checkout's server. */
export interface ConversationsBenchResult {
  /** `this`, or the directory of the other checkout. */
  checkout: string;
  conversations: number;
  firstPage: RequestTimes;
  chatPage: RequestTimes;
}

const MESSAGES_PER_ROOM = 3;
const DRAFTS_PER_APPEND = 100;
const WARMUP = 5;
const MINUTE = 60_000;

/** Seeds the heavy user and times the first page and the chat page; prints and returns them. */
export async function runConversationsBench(
  options: ConversationsBenchOptions,
): Promise<ConversationsBenchResult[]> {
  const dir = await Deno.makeTempDir({ prefix: "bench-conversations-" });
  try {
    const kvPath = `${dir}/chat.kv`;
    const seedStarted = performance.now();
    const users = await seedChat(kvPath, options.conversations + 1, []);
    const kv = await Deno.openKv(kvPath);
    await seedConversations(
      kv,
      users.map((user) => user.id),
      options.conversations,
      options.spread ?? false,
    );
    console.log(
      `seeded 1 user in ${options.conversations} conversations in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const checkouts = ["this", ...(options.against ? [options.against] : [])];
    const servers = await Promise.all(checkouts.map(async (checkout) => {
      const helper = checkout === "this"
        ? "../tests/helpers/test_server.ts"
        : `${Deno.realPathSync(checkout)}/tests/helpers/test_server.ts`;
      const { startTestServer: start }: { startTestServer: typeof startTestServer } = await import(
        checkout === "this" ? helper : new URL(`file://${helper}`).href
      );
      return await start({ kv });
    }));
    try {
      const cookie = users[0]!.cookie;
      const get = async (url: string, path: string) => {
        const started = performance.now();
        const answer = await fetch(`${url}${path}`, { headers: { cookie } });
        if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
        await answer.text();
        return performance.now() - started;
      };
      const samples = checkouts.map(() => ({
        firstPage: [] as number[],
        chatPage: [] as number[],
      }));
      for (let run = 0; run < WARMUP + options.runs; run++) {
        // Alternate which checkout goes first, so drift of the machine falls on both alike.
        const order = servers.map((_, i) => i);
        if (run % 2 === 1) order.reverse();
        for (const i of order) {
          const page = await get(servers[i]!.url, "/api/conversations?limit=50");
          const chat = await get(servers[i]!.url, "/");
          if (run < WARMUP) continue;
          samples[i]!.firstPage.push(page);
          samples[i]!.chatPage.push(chat);
        }
      }
      return checkouts.map((checkout, i) => {
        const result = {
          checkout,
          conversations: options.conversations,
          firstPage: times(samples[i]!.firstPage),
          chatPage: times(samples[i]!.chatPage),
        };
        console.log(
          `${checkout}: user in ${result.conversations} conversations, ${options.runs} runs: ` +
            `first page of 50 median ${result.firstPage.medianMs.toFixed(1)} ms, ` +
            `p99 ${result.firstPage.p99Ms.toFixed(1)} ms; ` +
            `chat page (/) median ${result.chatPage.medianMs.toFixed(1)} ms, ` +
            `p99 ${result.chatPage.p99Ms.toFixed(1)} ms`,
        );
        return result;
      });
    } finally {
      for (const server of servers) await server.close();
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Makes `users[0]` a member of `count` rooms, each shared with one other user: every fifth a
 * direct room, the rest private groups; each gets `MESSAGES_PER_ROOM` messages from the other
 * member, appended through the store (so every room has its last message and unread ones).
 */
async function seedConversations(
  kv: Deno.Kv,
  users: string[],
  count: number,
  spread: boolean,
): Promise<void> {
  const heavy = users[0]!;
  const started = systemClock.now();
  const now = spread ? started - (count + 1) * MINUTE : started;
  const rooms: string[] = [];
  for (let i = 0; i < count; i++) {
    const peer = users[i + 1]!;
    const direct = i % 5 === 0;
    const id = direct ? await directRoomId(heavy, peer) : `many-${i}`;
    const record: RoomRecord = {
      id,
      name: id,
      topic: "benchmark room",
      createdAt: now,
      createdBy: peer,
      visibility: direct ? "direct" : "private",
      ...(direct ? { members: [heavy, peer].sort() as [string, string] } : {}),
    };
    let atomic = kv.atomic().set(keys.room(id), record);
    atomic = setMembership(atomic, id, heavy, { joinedAt: now, role: "member" });
    atomic = setMembership(atomic, id, peer, { joinedAt: now, role: "owner" });
    if (!(await atomic.commit()).ok) throw new Error("seed commit failed");
    rooms.push(id);
  }
  let clock = started;
  const store = new KvMessageStore(kv, spread ? { now: () => clock } : systemClock);
  const drafts: MessageDraft[] = rooms.flatMap((room, i) =>
    Array.from({ length: MESSAGES_PER_ROOM }, (_, n) => ({
      room,
      from: users[i + 1]!,
      author: `bench${i + 1}`,
      clientId: `seed-${i}-${n}`,
      text: `message ${n} in ${room}`,
    }))
  );
  const perAppend = spread ? MESSAGES_PER_ROOM : DRAFTS_PER_APPEND;
  for (let start = 0; start < drafts.length; start += perAppend) {
    clock = started - (count - start / MESSAGES_PER_ROOM) * MINUTE;
    await store.append(drafts.slice(start, start + perAppend));
  }
}

function times(samples: number[]): RequestTimes {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianMs: at(0.5), p99Ms: at(0.99) };
}

if (import.meta.main) {
  const flag = (name: string) => {
    const at = Deno.args.indexOf(name);
    return at >= 0 ? Deno.args[at + 1] : undefined;
  };
  await runConversationsBench({
    conversations: Number(flag("--conversations") ?? 2_000),
    runs: Number(flag("--runs") ?? 60),
    against: flag("--against"),
    spread: Deno.args.includes("--spread"),
  });
}
