import assert from "node:assert/strict";
import type { FriendView } from "../lib/common/api_types.ts";
import { PresenceState } from "./presence_state.ts";

const friend = (id: string, online: boolean, presence?: FriendView["presence"]): FriendView => ({
  id,
  name: id,
  displayName: id,
  status: "",
  online,
  ...(presence ? { presence } : {}),
});

Deno.test("PresenceState keeps away and last seen from the friend list and live notices", () => {
  const state = new PresenceState();
  state.replace([
    friend("amy", true, { status: "away" }),
    friend("ben", false, { status: "offline", lastSeen: 5 }),
  ]);
  assert.deepEqual(state.presenceOf("amy"), { status: "away" });
  assert.equal(state.isOnline("amy"), true, "away is still connected");
  assert.deepEqual(state.presenceOf("ben"), { status: "offline", lastSeen: 5 });
  state.set("ben", true, { status: "online" });
  assert.equal(state.isOnline("ben"), true);
  state.set("amy", false);
  assert.deepEqual(state.presenceOf("amy"), { status: "offline" }, "an old server's notice");
  state.replace([]);
  assert.equal(state.isOnline("ben"), false, "a former friend shows offline");
});
