import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { WindowCounter } from "./window_counter.ts";

const WINDOW_MS = 60_000;
const KEY: Deno.KvKey = ["test_window", "alice"];

async function withCounter(
  fn: (counter: WindowCounter, clock: FakeClock, kv: Deno.Kv) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock();
  try {
    await fn(new WindowCounter(kv, clock, WINDOW_MS), clock, kv);
  } finally {
    kv.close();
  }
}

Deno.test("WindowCounter.blockedFor() is 0 below the limit and the seconds left of the window at it", async () => {
  await withCounter(async (counter, clock) => {
    assert.equal(await counter.blockedFor(KEY, 3), 0);
    await counter.add(KEY);
    clock.advance(10_000);
    await counter.add(KEY);
    assert.equal(await counter.blockedFor(KEY, 3), 0);
    await counter.add(KEY);
    assert.equal(await counter.blockedFor(KEY, 3), 50, "the window started at the first add");
    clock.advance(500);
    assert.equal(await counter.blockedFor(KEY, 3), 50, "rounded up to whole seconds");
  });
});

Deno.test("WindowCounter windows expire: the count starts over exactly when the window ends", async () => {
  await withCounter(async (counter, clock) => {
    await counter.add(KEY);
    await counter.add(KEY);
    clock.advance(WINDOW_MS - 1);
    assert.equal(await counter.blockedFor(KEY, 2), 1);
    clock.advance(1);
    assert.equal(await counter.blockedFor(KEY, 2), 0);
    await counter.add(KEY);
    assert.equal(await counter.blockedFor(KEY, 2), 0, "one event in the new window");
    await counter.add(KEY);
    assert.equal(await counter.blockedFor(KEY, 2), 60);
  });
});

Deno.test("WindowCounter.add() counts every one of many concurrent adds", async () => {
  await withCounter(async (counter, _clock, kv) => {
    await Promise.all(Array.from({ length: 50 }, () => counter.add(KEY)));
    const stored = await kv.get<{ count: number }>(KEY);
    assert.equal(stored.value?.count, 50);
    assert.equal(await counter.blockedFor(KEY, 51), 0);
    assert.equal(await counter.blockedFor(KEY, 50), 60);
  });
});

Deno.test("WindowCounter.add() from two handles on one KV file counts every event", async () => {
  const dir = await Deno.makeTempDir();
  const kvs = [await Deno.openKv(`${dir}/w.kv`), await Deno.openKv(`${dir}/w.kv`)];
  try {
    const clock = new FakeClock();
    const counters = kvs.map((kv) => new WindowCounter(kv, clock, WINDOW_MS));
    await Promise.all(Array.from({ length: 40 }, (_, i) => counters[i % 2]!.add(KEY)));
    assert.equal((await kvs[0]!.get<{ count: number }>(KEY)).value?.count, 40);
  } finally {
    for (const kv of kvs) kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WindowCounter keeps separate counts per key and reset() forgets one", async () => {
  await withCounter(async (counter) => {
    const other: Deno.KvKey = ["test_window", "bob"];
    await counter.add(KEY);
    await counter.add(KEY);
    await counter.add(other);
    assert.equal(await counter.blockedFor(KEY, 2), 60);
    assert.equal(await counter.blockedFor(other, 2), 0);
    await counter.reset(KEY);
    assert.equal(await counter.blockedFor(KEY, 2), 0);
    assert.equal(await counter.blockedFor(KEY, 1), 0);
  });
});

Deno.test("WindowCounter.blockedForAny() gives the longest wait of the keys at their limits", async () => {
  await withCounter(async (counter, clock) => {
    const other: Deno.KvKey = ["test_window", "bob"];
    await counter.add(KEY);
    clock.advance(20_000);
    await counter.add(other);
    assert.equal(await counter.blockedForAny([[KEY, 1], [other, 2]]), 40);
    assert.equal(await counter.blockedForAny([[KEY, 1], [other, 1]]), 60);
    assert.equal(await counter.blockedForAny([[KEY, 2], [other, 2]]), 0);
  });
});
