import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { Accounts } from "./accounts.ts";
import {
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_CHARS,
  USERNAME_PATTERN,
} from "../common/account_rules.ts";
import { passwordProblem } from "./credential_problems.ts";

// Each successful registration or authentication costs one 600,000-iteration PBKDF2 hash
// (~0.3 s), so these tests register few accounts; refusals before hashing are cheap.
const PASSWORD = "correct horse battery";

async function withAccounts(
  fn: (accounts: Accounts, clock: FakeClock) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock();
  try {
    await fn(new Accounts(kv, clock), clock);
  } finally {
    kv.close();
  }
}

Deno.test("Accounts.register() refuses usernames that are too short, too long or have other characters", async () => {
  await withAccounts(async (accounts) => {
    for (
      const name of [
        "",
        "ab",
        "a".repeat(33),
        "has space",
        "bad!",
        "dot.ted",
        "élan",
        "ali\u200bce",
        "😀😀😀",
      ]
    ) {
      const result = await accounts.register(name, PASSWORD);
      assert.equal(result.ok, false, name);
      if (!result.ok) {
        assert.deepEqual([result.status, result.error], [
          400,
          "Username must be 3–32 characters: letters, digits, _ or -",
        ]);
      }
    }
    assert.ok(USERNAME_PATTERN.test("abc"));
    assert.ok(USERNAME_PATTERN.test("A_b-9".padEnd(32, "x")));
  });
});

Deno.test("passwordProblem() requires 8 code points and at most 256 UTF-8 bytes", () => {
  assert.equal(MIN_PASSWORD_CHARS, 8);
  assert.equal(MAX_PASSWORD_BYTES, 256);
  assert.equal(passwordProblem("1234567")?.error, "Password must be at least 8 characters");
  assert.equal(passwordProblem("12345678"), undefined);
  // Emoji are two UTF-16 units each but one character each.
  assert.ok(passwordProblem("🔑".repeat(7)));
  assert.equal(passwordProblem("🔑".repeat(8)), undefined);
  assert.equal(passwordProblem("a".repeat(256)), undefined);
  assert.equal(passwordProblem("a".repeat(257))?.error, "Password must be at most 256 bytes");
  // 129 two-byte characters: under 256 characters, over 256 bytes.
  assert.ok(passwordProblem("é".repeat(129)));
  assert.equal(passwordProblem("é".repeat(128)), undefined);
});

Deno.test("Accounts.register() refuses a short or oversized password before storing anything", async () => {
  await withAccounts(async (accounts) => {
    for (const password of ["", "1234567", "a".repeat(257), "é".repeat(129)]) {
      const result = await accounts.register("alice", password);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.deepEqual([result.status, result.error], [400, passwordProblem(password)?.error]);
      }
    }
    assert.equal(await accounts.findByName("alice"), null);
  });
});

Deno.test("Accounts.register() stores the user, findable by id and by name in any case", async () => {
  await withAccounts(async (accounts, clock) => {
    const result = await accounts.register("Alice-32".padEnd(32, "z"), PASSWORD);
    assert.ok(result.ok);
    const { user } = result;
    assert.equal(user.name, "Alice-32".padEnd(32, "z"));
    const stored = await accounts.get(user.id);
    assert.equal(stored?.name, user.name);
    assert.equal(stored?.createdAt, clock.now());
    assert.equal(stored?.password.iterations, 600_000);
    assert.equal(JSON.stringify(stored).includes(PASSWORD), false);
    assert.equal((await accounts.findByName(user.name.toUpperCase()))?.id, user.id);
    assert.equal(await accounts.findByName("nobody"), null);
    assert.equal(await accounts.get("no-such-id"), null);
  });
});

Deno.test("Accounts.register() treats names that differ only in case as taken", async () => {
  await withAccounts(async (accounts) => {
    assert.ok((await accounts.register("Alice", PASSWORD)).ok);
    for (const name of ["alice", "ALICE", "Alice"]) {
      const result = await accounts.register(name, "another password");
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.deepEqual([result.status, result.error], [409, "That username is taken"]);
      }
    }
  });
});

Deno.test("Accounts.register() of one name concurrently lets exactly one registration win", async () => {
  await withAccounts(async (accounts) => {
    const results = await Promise.all(
      ["Bob", "bob", "BOB"].map((name) => accounts.register(name, PASSWORD)),
    );
    const winners = results.filter((r) => r.ok);
    assert.equal(winners.length, 1);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => !r.ok && r.status), [409, 409]);
    const stored = await accounts.findByName("bob");
    assert.equal(stored?.id, winners[0]!.ok ? winners[0]!.user.id : undefined);
  });
});

Deno.test("Accounts.authenticate() returns the user for the right password, any name case", async () => {
  await withAccounts(async (accounts) => {
    const registered = await accounts.register("Carol", PASSWORD);
    assert.ok(registered.ok);
    const found = { user: registered.user, disabled: false, deleting: false };
    assert.deepEqual(await accounts.authenticate("Carol", PASSWORD), found);
    assert.deepEqual(await accounts.authenticate("cAROL", PASSWORD), found);
  });
});

Deno.test("Accounts.register() makes the first account the admin, and only one of ten at once", async () => {
  await withAccounts(async (accounts) => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => accounts.register(`racer${i}`, PASSWORD)),
    );
    const users = results.map((result) => {
      assert.ok(result.ok);
      return result.user;
    });
    assert.equal(users.filter((user) => user.admin).length, 1);
    const later = await accounts.register("later", PASSWORD);
    assert.ok(later.ok);
    assert.equal(later.user.admin, undefined);
  });
});

Deno.test("Accounts.setDisabled() flags the account for login, and clears the flag again", async () => {
  await withAccounts(async (accounts) => {
    const made = await accounts.register("erin", PASSWORD);
    assert.ok(made.ok);
    assert.equal(await accounts.setDisabled(made.user.id, true), true);
    const login = await accounts.authenticate("erin", PASSWORD);
    assert.deepEqual([login?.disabled, login?.deleting], [true, false]);
    assert.equal(await accounts.setDisabled(made.user.id, false), true);
    assert.equal((await accounts.authenticate("erin", PASSWORD))?.disabled, false);
    assert.equal(await accounts.setDisabled("no-such-user", true), false);
  });
});

Deno.test("an account being deleted cannot be enabled again, and its deletion is claimed by one run at a time", async () => {
  await withAccounts(async (accounts, clock) => {
    const made = await accounts.register("gwen", PASSWORD);
    assert.ok(made.ok);
    assert.equal(await accounts.beginDeletion(made.user.id, 1_000), true);
    assert.equal(await accounts.setDisabled(made.user.id, false), false);
    const login = await accounts.authenticate("gwen", PASSWORD);
    assert.deepEqual([login?.disabled, login?.deleting], [true, true]);
    assert.deepEqual(await Array.fromAsync(accounts.deletionsUnderWay()), [made.user.id]);
    // Held by the run that began it until its claim runs out; then by one taker only.
    assert.equal(await accounts.claimDeletion(made.user.id, 1_000), null);
    clock.advance(1_000);
    const [one, two] = await Promise.all([
      accounts.claimDeletion(made.user.id, 1_000),
      accounts.claimDeletion(made.user.id, 1_000),
    ]);
    assert.deepEqual([one?.name, two?.name].sort(), ["gwen", undefined]);
    await accounts.remove(made.user.id);
    assert.deepEqual(await Array.fromAsync(accounts.deletionsUnderWay()), []);
  });
});

Deno.test("Accounts.remove() deletes the account but keeps its name reserved", async () => {
  await withAccounts(async (accounts) => {
    const made = await accounts.register("Frank", PASSWORD);
    assert.ok(made.ok);
    assert.equal(await accounts.deletedId("frank"), null);
    await accounts.remove(made.user.id);
    assert.equal(await accounts.get(made.user.id), null);
    assert.equal(await accounts.authenticate("Frank", PASSWORD), null);
    assert.equal(await accounts.deletedId("FRANK"), made.user.id);
    const again = await accounts.register("frank", PASSWORD);
    assert.equal(again.ok, false);
    assert.equal(await accounts.deletedId("nobody"), null);
  });
});

Deno.test("Accounts.authenticate() returns null for a wrong password or an unknown user", async () => {
  await withAccounts(async (accounts) => {
    assert.ok((await accounts.register("dave", PASSWORD)).ok);
    assert.equal(await accounts.authenticate("dave", "wrong password"), null);
    assert.equal(await accounts.authenticate("nobody", PASSWORD), null);
    assert.equal(await accounts.authenticate("dave", "short"), null);
    assert.equal(await accounts.authenticate("dave", "a".repeat(300)), null);
    assert.equal(await accounts.authenticate("bad name!", PASSWORD), null);
  });
});
