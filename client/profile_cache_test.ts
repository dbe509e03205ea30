import assert from "node:assert/strict";
import { ProfileCache } from "./profile_cache.ts";

const profile = (id: string, displayName: string) => ({ id, name: id, displayName, status: "" });

Deno.test("ProfileCache.nameOf() shows the username, looks it up once, then shows the display name", async () => {
  const asked: string[] = [];
  const cache = new ProfileCache((username) => {
    asked.push(username);
    return Promise.resolve(profile("u1", "Ada L."));
  });
  assert.equal(cache.nameOf("u1", "ada"), "ada");
  assert.equal(cache.nameOf("u1", "ada"), "ada");
  await Promise.resolve();
  assert.equal(cache.nameOf("u1", "ada"), "Ada L.");
  assert.deepEqual(asked, ["ada"]);
});

Deno.test("ProfileCache.put() replaces a known name without a lookup", () => {
  const cache = new ProfileCache(() => Promise.reject(new Error("no lookups")));
  cache.put(profile("u2", "Bob"));
  assert.equal(cache.nameOf("u2", "bob"), "Bob");
  cache.put(profile("u2", "Robert"));
  assert.equal(cache.nameOf("u2", "bob"), "Robert");
});

Deno.test("ProfileCache.profileOf() follows a changed avatar", () => {
  const cache = new ProfileCache(() => Promise.reject(new Error("no lookups")));
  cache.put(profile("u3", "Cy"));
  assert.equal(cache.profileOf("u3", "cy")?.avatarUrl, undefined);
  cache.put({ ...profile("u3", "Cy"), avatarUrl: "/api/avatars/users/u3/v1" });
  assert.equal(cache.profileOf("u3", "cy")?.avatarUrl, "/api/avatars/users/u3/v1");
});

Deno.test("ProfileCache names a deleted account with the reader's 'deleted user', found or told", async () => {
  const gone = { ...profile("u4", ""), deleted: true as const };
  const cache = new ProfileCache(() => Promise.resolve(gone), "已注销用户");
  assert.equal(cache.nameOf("u4", "dora"), "dora");
  await Promise.resolve();
  assert.equal(cache.nameOf("u4", "dora"), "已注销用户");
  cache.put(profile("u5", "Eve"));
  cache.put({ ...profile("u5", ""), deleted: true });
  assert.equal(cache.nameOf("u5", "eve"), "已注销用户");
  assert.equal(cache.shown(profile("u6", "Fay")).displayName, "Fay");
});
