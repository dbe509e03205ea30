import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { LoginThrottle } from "./login_throttle.ts";

const WINDOW_MS = 15 * 60_000;

async function withThrottle(
  fn: (throttle: LoginThrottle, clock: FakeClock) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock();
  try {
    await fn(new LoginThrottle(kv, clock), clock);
  } finally {
    kv.close();
  }
}

async function fail(
  throttle: LoginThrottle,
  name: string,
  address: string,
  times: number,
): Promise<void> {
  for (let i = 0; i < times; i++) await throttle.recordFailure(name, address);
}

Deno.test("LoginThrottle allows 4 failures of a user and refuses after the 5th, saying when to retry", async () => {
  await withThrottle(async (throttle) => {
    await fail(throttle, "alice", "10.0.0.1", 4);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), { allowed: true });
    await fail(throttle, "alice", "10.0.0.1", 1);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), {
      allowed: false,
      retryAfterSeconds: 900,
    });
    // The limit is on the account, from any address.
    assert.deepEqual(await throttle.check("alice", "10.9.9.9"), {
      allowed: false,
      retryAfterSeconds: 900,
    });
  });
});

Deno.test("LoginThrottle counts a user's failures ignoring the case of the name", async () => {
  await withThrottle(async (throttle) => {
    await fail(throttle, "Alice", "10.0.0.1", 3);
    await fail(throttle, "ALICE", "10.0.0.2", 2);
    assert.equal((await throttle.check("alice", "10.0.0.3")).allowed, false);
  });
});

Deno.test("LoginThrottle leaves other users unaffected by one user's failures", async () => {
  await withThrottle(async (throttle) => {
    await fail(throttle, "alice", "10.0.0.1", 10);
    assert.deepEqual(await throttle.check("bob", "10.0.0.1"), { allowed: true });
    assert.deepEqual(await throttle.check("bob", "10.0.0.2"), { allowed: true });
  });
});

Deno.test("LoginThrottle counts retryAfterSeconds down with the clock and allows again when the window ends", async () => {
  await withThrottle(async (throttle, clock) => {
    await fail(throttle, "alice", "10.0.0.1", 5);
    clock.advance(60_000);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), {
      allowed: false,
      retryAfterSeconds: 840,
    });
    clock.advance(WINDOW_MS - 60_000 - 1500);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), {
      allowed: false,
      retryAfterSeconds: 2,
    });
    clock.advance(1500);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), { allowed: true });
  });
});

Deno.test("LoginThrottle starts a fresh window for a failure after the old window ended", async () => {
  await withThrottle(async (throttle, clock) => {
    await fail(throttle, "alice", "10.0.0.1", 5);
    clock.advance(WINDOW_MS);
    await fail(throttle, "alice", "10.0.0.1", 4);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), { allowed: true });
    await fail(throttle, "alice", "10.0.0.1", 1);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), {
      allowed: false,
      retryAfterSeconds: 900,
    });
  });
});

Deno.test("LoginThrottle refuses an address after 20 failures, whatever the names, and no other address", async () => {
  await withThrottle(async (throttle) => {
    for (let i = 0; i < 19; i++) await throttle.recordFailure(`user${i}`, "10.0.0.66");
    assert.deepEqual(await throttle.check("newcomer", "10.0.0.66"), { allowed: true });
    await throttle.recordFailure("user19", "10.0.0.66");
    assert.deepEqual(await throttle.check("newcomer", "10.0.0.66"), {
      allowed: false,
      retryAfterSeconds: 900,
    });
    assert.deepEqual(await throttle.check("newcomer", "10.0.0.67"), { allowed: true });
    assert.deepEqual(await throttle.check("user0", "10.0.0.67"), { allowed: true });
  });
});

Deno.test("LoginThrottle.clear() forgets the user's failures but not the address's", async () => {
  await withThrottle(async (throttle) => {
    await fail(throttle, "alice", "10.0.0.1", 5);
    await fail(throttle, "bob", "10.0.0.1", 5);
    await throttle.clear("ALICE");
    assert.deepEqual(await throttle.check("alice", "10.0.0.2"), { allowed: true });
    assert.equal((await throttle.check("bob", "10.0.0.2")).allowed, false);
    await fail(throttle, "carol", "10.0.0.1", 10);
    await throttle.clear("carol");
    assert.equal(
      (await throttle.check("carol", "10.0.0.1")).allowed,
      false,
      "address limit of 20 still applies",
    );
  });
});

Deno.test("LoginThrottle counts concurrent failures without losing any", async () => {
  await withThrottle(async (throttle) => {
    await Promise.all(Array.from({ length: 5 }, () => throttle.recordFailure("alice", "10.0.0.1")));
    assert.equal((await throttle.check("alice", "10.0.0.1")).allowed, false);
  });
});

Deno.test("LoginThrottle counts every one of 30 concurrent failures from one address", async () => {
  await withThrottle(async (throttle) => {
    // Parallel wrong guesses under different names: each must count against the address.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => throttle.recordFailure(`guess${i}`, "10.0.0.66")),
    );
    assert.equal((await throttle.check("newcomer", "10.0.0.66")).allowed, false);
  });
});

Deno.test("LoginThrottle honours custom limits", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(kv, clock, { perUser: 2, perAddress: 3, windowMs: 10_000 });
    await fail(throttle, "alice", "10.0.0.1", 2);
    assert.deepEqual(await throttle.check("alice", "10.0.0.2"), {
      allowed: false,
      retryAfterSeconds: 10,
    });
    await fail(throttle, "bob", "10.0.0.1", 1);
    assert.deepEqual(await throttle.check("carol", "10.0.0.1"), {
      allowed: false,
      retryAfterSeconds: 10,
    });
    clock.advance(10_000);
    assert.deepEqual(await throttle.check("alice", "10.0.0.1"), { allowed: true });
  } finally {
    kv.close();
  }
});
