import assert from "node:assert/strict";
import { Accounts } from "../accounts/accounts.ts";
import { Profiles } from "../accounts/profiles.ts";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { keys } from "../kv/kv_keys.ts";
import { TokenBuckets } from "../limits/token_bucket.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";
import { backfillUserDirectory, directoryTerms, UserDirectory } from "./user_directory.ts";

Deno.test("directoryTerms() folds the username, the display name and its later words", () => {
  assert.deepEqual(directoryTerms("Bob_1", "Ｂｏｂ  Smith"), ["bob_1", "bob smith", "smith"]);
  assert.deepEqual(directoryTerms("wang", "王小明"), ["wang", "王小明"]);
});

Deno.test("backfillUserDirectory() makes accounts from before the directory findable, once", async () => {
  await withMemoryKv(async (kv) => {
    const clock = new FakeClock(0);
    const accounts = new Accounts(kv, clock);
    const profiles = new Profiles(kv, accounts);
    const made = await accounts.register("olduser", "correct horse battery");
    assert.ok(made.ok);
    // As if registered before the directory: no index entries.
    const all = { start: keys.userDirectoryFrom(""), end: keys.userDirectoryUntil("") };
    for await (const entry of kv.list(all)) await kv.delete(entry.key);
    const directory = new UserDirectory(kv, profiles, new TokenBuckets(clock, 1, 10));
    const viewer = "someone-else";
    assert.deepEqual(await directory.search(viewer, "old"), { ok: true, users: [] });
    await backfillUserDirectory(kv, profiles, clock);
    const found = await directory.search(viewer, "old");
    assert.deepEqual(found.ok && found.users.map((user) => user.name), ["olduser"]);
    assert.notEqual((await kv.get(keys.userDirectoryBuilt())).versionstamp, null);
  });
});
