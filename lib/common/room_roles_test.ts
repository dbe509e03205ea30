import assert from "node:assert/strict";
import { mayModerate, type ModAction, roleOf } from "./room_roles.ts";

const EVERY: ModAction[] = ["kick", "ban", "unban", "mute", "unmute", "promote", "demote"];

Deno.test("mayModerate() lets nobody act on themselves", () => {
  for (const action of EVERY) {
    assert.equal(mayModerate("owner", "owner", action, true), false, action);
    assert.equal(mayModerate("admin", "admin", action, true), false, action);
  }
});

Deno.test("mayModerate() refuses members everything, and admins anything on the owner or admins", () => {
  for (const action of EVERY) {
    for (const target of ["owner", "admin", "member"] as const) {
      assert.equal(mayModerate("member", target, action, false), false, `member ${action}`);
    }
    assert.equal(mayModerate("admin", "owner", action, false), false, `admin ${action} owner`);
    assert.equal(mayModerate("admin", "admin", action, false), false, `admin ${action} admin`);
  }
});

Deno.test("mayModerate() lets admins kick, ban and mute members, and only the owner promote or demote", () => {
  for (const action of ["kick", "ban", "unban", "mute", "unmute"] as const) {
    assert.equal(mayModerate("admin", "member", action, false), true, action);
    assert.equal(mayModerate("owner", "admin", action, false), true, action);
  }
  assert.equal(mayModerate("admin", "member", "promote", false), false);
  assert.equal(mayModerate("owner", "member", "promote", false), true);
  assert.equal(mayModerate("owner", "admin", "promote", false), false);
  assert.equal(mayModerate("owner", "admin", "demote", false), true);
  assert.equal(mayModerate("owner", "member", "demote", false), false);
});

Deno.test("roleOf() reads memberships from before roles as members, and the creator's as owner", () => {
  assert.equal(roleOf({}), "member");
  assert.equal(roleOf({}, true), "owner");
  assert.equal(roleOf({ role: "member" }, true), "member");
  assert.equal(roleOf(null, true), "member");
  assert.equal(roleOf({ role: "admin" }), "admin");
});
