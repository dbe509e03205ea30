import assert from "node:assert/strict";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodedLength(base64url: string): number {
  return atob(base64url.replaceAll("-", "+").replaceAll("_", "/")).length;
}

Deno.test("hashPassword() records pbkdf2-sha256, 600,000 iterations, a 16-byte salt and a 32-byte hash", async () => {
  const stored = await hashPassword("correct horse battery");
  assert.deepEqual(Object.keys(stored).sort(), ["alg", "hash", "iterations", "salt"]);
  assert.equal(stored.alg, "pbkdf2-sha256");
  assert.equal(PBKDF2_ITERATIONS, 600_000);
  assert.equal(stored.iterations, 600_000);
  assert.match(stored.salt, BASE64URL);
  assert.match(stored.hash, BASE64URL);
  assert.equal(decodedLength(stored.salt), 16);
  assert.equal(decodedLength(stored.hash), 32);
  assert.equal(JSON.stringify(stored).includes("correct horse"), false);
  assert.equal(await verifyPassword("correct horse battery", stored), true);
  assert.equal(await verifyPassword("correct horse batterY", stored), false);
});

Deno.test("hashPassword() salts each hash afresh: one password gives two different records", async () => {
  const [first, second] = await Promise.all([
    hashPassword("same password", 1000),
    hashPassword("same password", 1000),
  ]);
  assert.notEqual(first.salt, second.salt);
  assert.notEqual(first.hash, second.hash);
  assert.equal(await verifyPassword("same password", first), true);
  assert.equal(await verifyPassword("same password", second), true);
});

Deno.test("verifyPassword() refuses a wrong, empty, prefixed or truncated password", async () => {
  const stored = await hashPassword("pässwörd 🔑", 1000);
  assert.equal(await verifyPassword("pässwörd 🔑", stored), true);
  for (
    const wrong of ["", "pässwörd", "pässwörd 🔑 ", " pässwörd 🔑", "passwords 🔑", "PÄSSWÖRD 🔑"]
  ) {
    assert.equal(await verifyPassword(wrong, stored), false, JSON.stringify(wrong));
  }
});

Deno.test("verifyPassword() uses the record's own parameters and refuses a tampered record", async () => {
  const stored = await hashPassword("old record", 1000);
  assert.equal(stored.iterations, 1000);
  assert.equal(await verifyPassword("old record", stored), true);
  assert.equal(await verifyPassword("old record", { ...stored, iterations: 1001 }), false);
  const otherSalt = await hashPassword("old record", 1000);
  assert.equal(await verifyPassword("old record", { ...stored, salt: otherSalt.salt }), false);
  assert.equal(
    await verifyPassword("old record", { ...stored, hash: stored.hash.slice(0, 20) }),
    false,
  );
});
