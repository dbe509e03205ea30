import assert from "node:assert/strict";
import { ConnectionLimiter } from "./connection_limiter.ts";

Deno.test("ConnectionLimiter.acquire() allows `perUser` sockets of one user and refuses the next", () => {
  const limiter = new ConnectionLimiter(2, 100);
  assert.ok(limiter.acquire("alice", "10.0.0.1"));
  assert.ok(limiter.acquire("alice", "10.0.0.2"));
  assert.equal(limiter.acquire("alice", "10.0.0.3"), null);
  assert.ok(limiter.acquire("bob", "10.0.0.1"), "other users are not affected");
});

Deno.test("ConnectionLimiter.acquire() allows `perAddress` sockets from one address, whoever the user", () => {
  const limiter = new ConnectionLimiter(100, 2);
  assert.ok(limiter.acquire("alice", "10.0.0.1"));
  assert.ok(limiter.acquire("bob", "10.0.0.1"));
  assert.equal(limiter.acquire("carol", "10.0.0.1"), null);
  assert.ok(limiter.acquire("carol", "10.0.0.2"));
});

Deno.test("ConnectionLimiter release frees the slot of the user and of the address", () => {
  const limiter = new ConnectionLimiter(1, 1);
  const release = limiter.acquire("alice", "10.0.0.1");
  assert.ok(release);
  assert.equal(limiter.acquire("alice", "10.0.0.2"), null);
  assert.equal(limiter.acquire("bob", "10.0.0.1"), null);
  release();
  assert.ok(limiter.acquire("alice", "10.0.0.2"));
  assert.ok(limiter.acquire("bob", "10.0.0.1"));
});

Deno.test("ConnectionLimiter release called twice frees exactly one slot", () => {
  const limiter = new ConnectionLimiter(2, 100);
  const first = limiter.acquire("alice", "10.0.0.1");
  assert.ok(limiter.acquire("alice", "10.0.0.1"));
  assert.ok(first);
  first();
  first();
  first();
  assert.ok(limiter.acquire("alice", "10.0.0.1"), "one slot was freed");
  assert.equal(limiter.acquire("alice", "10.0.0.1"), null, "and only one");
});

Deno.test("ConnectionLimiter a refused acquire takes no slot", () => {
  const limiter = new ConnectionLimiter(1, 2);
  const release = limiter.acquire("alice", "10.0.0.1");
  for (let i = 0; i < 10; i++) assert.equal(limiter.acquire("alice", "10.0.0.1"), null);
  assert.ok(limiter.acquire("bob", "10.0.0.1"), "refused attempts did not count the address");
  release!();
  assert.ok(limiter.acquire("alice", "10.0.0.3"));
});

Deno.test("ConnectionLimiter counts back to zero after every socket of many users is released", () => {
  const limiter = new ConnectionLimiter(3, 5);
  const releases: (() => void)[] = [];
  for (let round = 0; round < 3; round++) {
    for (const user of ["a", "b", "c", "d", "e"]) {
      const release = limiter.acquire(user, `addr-${user}`);
      assert.ok(release, `${user} round ${round}`);
      releases.push(release);
    }
  }
  assert.equal(limiter.acquire("a", "addr-a"), null);
  for (const release of releases) {
    release();
    release();
  }
  for (const user of ["a", "b", "c", "d", "e"]) {
    for (let i = 0; i < 3; i++) assert.ok(limiter.acquire(user, `addr-${user}`));
    assert.equal(limiter.acquire(user, `addr-${user}`), null);
  }
});
