import assert from "node:assert/strict";
import { addTo, type OneOrSetIndex, removeFrom, valuesIn } from "./one_or_set.ts";

Deno.test("addTo() keeps a lone value as itself and several in a set, in order", () => {
  const index: OneOrSetIndex<{ n: number }> = new Map();
  const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 3 }];
  assert.equal(addTo(index, "k", a), 1);
  assert.equal(index.get("k"), a);
  assert.equal(addTo(index, "k", a), 1);
  assert.equal(addTo(index, "k", b), 2);
  assert.equal(addTo(index, "k", c), 3);
  assert.ok(index.get("k") instanceof Set);
  assert.deepEqual([...valuesIn(index, "k")], [a, b, c]);
  assert.deepEqual([...valuesIn(index, "other")], []);
});

Deno.test("removeFrom() drops the key with its last value and says whether the value was there", () => {
  const index: OneOrSetIndex<{ n: number }> = new Map();
  const [a, b] = [{ n: 1 }, { n: 2 }];
  assert.equal(removeFrom(index, "k", a), false);
  addTo(index, "k", a);
  addTo(index, "k", b);
  assert.equal(removeFrom(index, "k", a), true);
  assert.equal(removeFrom(index, "k", a), false);
  assert.deepEqual([...valuesIn(index, "k")], [b]);
  assert.equal(removeFrom(index, "k", b), true);
  assert.equal(index.has("k"), false);
  addTo(index, "k", a);
  assert.equal(removeFrom(index, "k", b), false);
  assert.equal(removeFrom(index, "k", a), true);
  assert.equal(index.size, 0);
});
