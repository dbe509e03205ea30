import assert from "node:assert/strict";
import { type BudgetedSocket, EVICTION_FLOOR_BYTES, SendBudget } from "./send_budget.ts";

const KIB = 1024;

/** A socket whose unsent bytes the test sets; records whether it was evicted. */
class FakeSocket implements BudgetedSocket {
  evicted = false;
  constructor(public bytes: number, private budget: SendBudget) {}
  unsentBytes(): number {
    return this.evicted ? 0 : this.bytes;
  }
  evict(): void {
    this.evicted = true;
    this.budget.forget(this);
  }
  report(): void {
    this.budget.report(this, this.bytes);
  }
}

Deno.test("SendBudget closes the sockets furthest behind first, down to three quarters of the limit", () => {
  const budget = new SendBudget(1000 * KIB);
  const sockets = [100, 400, 300, 200].map((kib) => new FakeSocket(kib * KIB, budget));
  for (const socket of sockets) socket.report();
  assert.equal(budget.totalBytes, 1000 * KIB, "at the limit nothing is closed");
  assert.deepEqual(sockets.map((s) => s.evicted), [false, false, false, false]);

  sockets[0]!.bytes = 150 * KIB;
  sockets[0]!.report();
  // 1050 KiB: the 400 KiB socket goes (650 <= 750) and no other.
  assert.deepEqual(sockets.map((s) => s.evicted), [false, true, false, false]);
  assert.equal(budget.totalBytes, 650 * KIB);
  assert.equal(budget.evictions, 1);
});

Deno.test("SendBudget never closes a socket at or under the floor, whoever is over", () => {
  const budget = new SendBudget(EVICTION_FLOOR_BYTES * 4);
  const readers = Array.from({ length: 6 }, () => new FakeSocket(EVICTION_FLOOR_BYTES, budget));
  for (const reader of readers) reader.report();
  assert.ok(budget.totalBytes > budget.limitBytes);
  assert.equal(readers.filter((r) => r.evicted).length, 0);
});

Deno.test("SendBudget reads a socket's bytes again before closing it, and spares one that caught up", () => {
  const budget = new SendBudget(1000 * KIB);
  const caughtUp = new FakeSocket(900 * KIB, budget);
  const stuck = new FakeSocket(500 * KIB, budget);
  caughtUp.report();
  caughtUp.bytes = 10 * KIB; // drained since its last report, not sent to since
  stuck.report();
  assert.equal(caughtUp.evicted, false);
  assert.equal(stuck.evicted, false, "after the fresh read the sum is 510 KiB");
  assert.equal(budget.totalBytes, 510 * KIB);
});

Deno.test("SendBudget.forget() takes a closed socket out of the sum", () => {
  const budget = new SendBudget(1000 * KIB);
  const socket = new FakeSocket(600 * KIB, budget);
  socket.report();
  budget.forget(socket);
  assert.equal(budget.totalBytes, 0);
  new FakeSocket(900 * KIB, budget).report();
  assert.equal(budget.evictions, 0);
});
