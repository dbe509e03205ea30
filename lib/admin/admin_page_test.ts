import assert from "node:assert/strict";
import { listPage } from "./admin_page.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";

async function fill(kv: Deno.Kv, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await kv.set(["row", i], i);
}

Deno.test("listPage() pages through every entry once, in key order, with a cursor between pages", async () => {
  await withMemoryKv(async (kv) => {
    await fill(kv, 7);
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listPage<number, number>(
        kv,
        { prefix: ["row"] },
        cursor,
        (entry) => entry.value,
        { limit: 3 },
      );
      assert.ok(!("ok" in page));
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(pages, 3);
  });
});

Deno.test("listPage() stops a sparse search after `scan` entries and goes on from there", async () => {
  await withMemoryKv(async (kv) => {
    await fill(kv, 10);
    const fives = (entry: Deno.KvEntry<number>) => entry.value % 5 === 0 ? entry.value : null;
    const first = await listPage(kv, { prefix: ["row"] }, undefined, fives, { limit: 3, scan: 4 });
    assert.ok(!("ok" in first));
    assert.deepEqual(first.items, [0]);
    assert.ok(first.nextCursor);
    const second = await listPage(kv, { prefix: ["row"] }, first.nextCursor, fives, {
      limit: 3,
      scan: 4,
    });
    assert.ok(!("ok" in second));
    assert.deepEqual(second.items, [5]);
  });
});

Deno.test("listPage() refuses a cursor KV does not take with 400", async () => {
  await withMemoryKv(async (kv) => {
    await fill(kv, 2);
    const page = await listPage(kv, { prefix: ["row"] }, "not a cursor!", (e) => e.value);
    assert.ok("ok" in page);
    assert.equal(page.status, 400);
    assert.equal(page.code, "refusal.badCursor");
  });
});
