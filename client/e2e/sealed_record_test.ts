import assert from "node:assert/strict";
import { isSealed, newSealingKey, seal, unseal } from "./sealed_record.ts";

const RECORD = {
  cursor: 7,
  group: { state: new Uint8Array([1, 2, 250]), joinedEpoch: 12345678901234567890n },
  shown: [[3, { kind: "text", text: "机密：周五下午三点见" }]],
};

Deno.test("seal() keeps no plaintext, and unseal() gives back bytes, bigints and texts", async () => {
  const key = await newSealingKey();
  const sealed = await seal(key, "group/u1/r1", RECORD);
  assert.ok(isSealed(sealed));
  const stored = new TextDecoder().decode(new Uint8Array(sealed.data));
  const asJson = JSON.stringify(RECORD, (_k, v) => typeof v === "bigint" ? String(v) : v);
  for (const piece of ["周五", "text", "cursor", "joinedEpoch", "12345678901234567890"]) {
    assert.ok(!stored.includes(piece), `the sealed record shows "${piece}"`);
    assert.ok(asJson.includes(piece), `the test's record holds "${piece}"`);
  }
  assert.deepEqual(await unseal(key, "group/u1/r1", sealed), RECORD);
});

Deno.test("the sealing key cannot be exported, and a record opens only under its own key and name", async () => {
  const key = await newSealingKey();
  assert.equal(key.extractable, false);
  await assert.rejects(crypto.subtle.exportKey("raw", key));
  const sealed = await seal(key, "device/u1", { deviceId: "d1" });
  await assert.rejects(unseal(key, "device/u2", sealed), "moved to another record's key");
  await assert.rejects(unseal(await newSealingKey(), "device/u1", sealed), "another key");
  const altered = new Uint8Array(sealed.data.slice(0));
  altered[0]! ^= 1;
  await assert.rejects(unseal(key, "device/u1", { ...sealed, data: altered.buffer }), "altered");
});

Deno.test("isSealed() tells a sealed record from a plain one kept before sealing", () => {
  assert.equal(isSealed({ deviceId: "d1", signKey: new Uint8Array(2) }), false);
  assert.equal(isSealed([["x", "own text"]]), false);
  assert.equal(isSealed(undefined), false);
  assert.equal(isSealed({ sealed: 1, iv: new Uint8Array(12), data: new ArrayBuffer(4) }), true);
});
