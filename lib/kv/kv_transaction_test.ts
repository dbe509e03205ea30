import assert from "node:assert/strict";
import { commit, DEFAULT_ATTEMPTS, TooMuchContentionError, transact } from "./kv_transaction.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";

/** One attempt that adds 1 to `["count"]`; `between` runs after the read, before the commit. */
function increment(kv: Deno.Kv, between: (index: number) => Promise<void>) {
  return async (index: number) => {
    const entry = await kv.get<number>(["count"]);
    await between(index);
    const next = (entry.value ?? 0) + 1;
    return commit(kv.atomic().check(entry).set(["count"], next), () => next);
  };
}

Deno.test("transact() retries after a write between its read and commit, reading afresh", async () => {
  await withMemoryKv(async (kv) => {
    const indexes: number[] = [];
    const total = await transact(
      "count",
      increment(kv, async (index) => {
        indexes.push(index);
        // A concurrent request counts once, during the first attempt only.
        if (index === 0) await kv.set(["count"], 5);
      }),
    );
    assert.deepEqual(indexes, [0, 1]);
    assert.equal(total, 6);
    assert.equal((await kv.get(["count"])).value, 6);
  });
});

Deno.test("transact() commits every one of many concurrent changes of one key", async () => {
  await withMemoryKv(async (kv) => {
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
    await Promise.all(
      Array.from({ length: 8 }, () => transact("count", increment(kv, tick), { attempts: 100 })),
    );
    assert.equal((await kv.get(["count"])).value, 8);
  });
});

Deno.test("transact() answers without committing when an attempt returns a value", async () => {
  await withMemoryKv(async (kv) => {
    const answer = await transact("refuse", () => Promise.resolve("refused" as const));
    assert.equal(answer, "refused");
    assert.equal((await kv.get(["count"])).versionstamp, null);
  });
});

Deno.test("transact() runs after() once, only after the commit that succeeded", async () => {
  await withMemoryKv(async (kv) => {
    const afters: number[] = [];
    await transact("count", async (index) => {
      const entry = await kv.get<number>(["count"]);
      if (index < 2) await kv.set(["count"], index);
      return commit(kv.atomic().check(entry).set(["count"], 100), () => {
        afters.push(index);
      });
    });
    assert.deepEqual(afters, [2]);
    assert.equal((await kv.get(["count"])).value, 100);
  });
});

Deno.test("transact() throws TooMuchContentionError after DEFAULT_ATTEMPTS conflicts", async () => {
  await withMemoryKv(async (kv) => {
    let attempts = 0;
    const always = increment(kv, async () => {
      attempts++;
      await kv.set(["count"], -1);
    });
    await assert.rejects(transact("count up", always), TooMuchContentionError);
    assert.equal(attempts, DEFAULT_ATTEMPTS);
    assert.equal((await kv.get(["count"])).value, -1);
  });
});

Deno.test("transact() names the operation in the error when attempts run out", async () => {
  await withMemoryKv(async (kv) => {
    const always = increment(kv, async () => {
      await kv.set(["count"], -1);
    });
    await assert.rejects(
      transact("count up", always, { attempts: 3 }),
      (error: unknown) =>
        error instanceof TooMuchContentionError &&
        error.message === "count up: too much contention" &&
        error.attempts === 3,
    );
  });
});

Deno.test("transact() answers exhausted() instead of throwing when it is given", async () => {
  await withMemoryKv(async (kv) => {
    let attempts = 0;
    const always = increment(kv, async () => {
      attempts++;
      await kv.set(["count"], -1);
    });
    const answer = await transact("count", always, { attempts: 2, exhausted: () => -2 });
    assert.equal(answer, -2);
    assert.equal(attempts, 2);
  });
});

Deno.test("transact() passes on an error thrown by an attempt, without retrying", async () => {
  let attempts = 0;
  await assert.rejects(
    transact("fail", () => {
      attempts++;
      return Promise.reject(new Error("boom"));
    }),
    /boom/,
  );
  assert.equal(attempts, 1);
});
