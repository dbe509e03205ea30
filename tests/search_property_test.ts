/**
 * Property test of message search on the real KV store: for random messages of mixed Chinese
 * and English (with random edits, deletes and index merges) spread over a room the searcher is
 * in and a room they are not in, every message as it stands is found by each of its terms, and
 * no result ever comes from the unreadable room, is deleted, or lacks a term of the query.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Accounts } from "../lib/accounts/accounts.ts";
import { Profiles } from "../lib/accounts/profiles.ts";
import { matchesText, parseQuery, type SearchQuery } from "../lib/common/search_query.ts";
import { textTerms } from "../lib/common/search_text.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { TokenBuckets } from "../lib/limits/token_bucket.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { MessageSearch } from "../lib/search/message_search.ts";
import { SearchMerger } from "../lib/search/search_merger.ts";
import { withMemoryKv } from "./helpers/memory_kv.ts";
import { addRoomFor } from "./helpers/search_postings.ts";

const WORDS = [
  "北京",
  "会议",
  "明天",
  "文件",
  "设计",
  "系统",
  "meeting",
  "Café",
  "notes",
  "deploy",
];
const READER = "reader";

const text = fc.array(fc.constantFrom(...WORDS, " ", "，", "的"), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(""));
const op = fc.oneof(
  fc.record({ kind: fc.constant("send" as const), readable: fc.boolean(), text }),
  fc.record({ kind: fc.constant("edit" as const), pick: fc.nat(), text }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("merge" as const) }),
);

Deno.test("property: every message is found by each of its terms, never one from an unreadable room", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      await withMemoryKv(async (kv) => {
        const clock = new FakeClock(1_000_000);
        const store = new KvMessageStore(kv, clock);
        const accounts = new Accounts(kv, clock);
        const limiter = new TokenBuckets(clock, 1000, 1_000_000);
        const search = new MessageSearch(kv, accounts, new Profiles(kv, accounts), limiter);
        await addRoomFor(kv, "open", READER, true);
        await addRoomFor(kv, "closed", READER, false);
        const sent: { room: string; seq: number }[] = [];
        let n = 0;
        for (const step of ops) {
          clock.advance(1);
          const draft = { from: "writer", author: "writer", clientId: `c${n++}` };
          if (step.kind === "send") {
            const room = step.readable ? "open" : "closed";
            const [result] = await store.append([{ ...draft, room, text: step.text }]);
            sent.push({ room, seq: result!.message.seq });
            continue;
          }
          if (step.kind === "merge") {
            await new SearchMerger(kv).mergeAll();
            continue;
          }
          const target = sent[step.pick % Math.max(1, sent.length)];
          if (!target) continue;
          const action: MessageDraft = step.kind === "edit"
            ? { ...draft, room: target.room, kind: "edit", target: target.seq, text: step.text }
            : { ...draft, room: target.room, kind: "delete", target: target.seq, text: "" };
          await store.append([action]);
        }
        for (const { room, seq } of sent) {
          const message = await store.get(room, seq);
          if (!message || message.deleted || room !== "open") continue;
          const terms = textTerms(message.text);
          if (terms.length > 1) {
            const pair = await search.search(READER, {
              q: `${terms.at(-1)} ${terms[0]} `,
              limit: 50,
            });
            assert.ok(pair.ok && pair.hits.some((hit) => hit.seq === seq), "found by two words");
          }
          for (const term of terms) {
            const found = await search.search(READER, { q: term + " ", limit: 50 });
            assert.ok(found.ok);
            assert.ok(
              found.hits.some((hit) => hit.seq === seq),
              `"${message.text}" found by "${term}"`,
            );
          }
        }
        for (const word of WORDS) {
          const query = parseQuery(word) as SearchQuery;
          const found = await search.search(READER, { q: word, limit: 50 });
          assert.ok(found.ok);
          for (const hit of found.hits) {
            assert.equal(hit.room, "open");
            const message = await store.get(hit.room, hit.seq);
            assert.ok(message && !message.deleted);
            assert.ok(matchesText(message.text, query));
          }
        }
      });
    }),
    { numRuns: 40 },
  );
});
