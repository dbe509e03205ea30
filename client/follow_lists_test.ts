import assert from "node:assert/strict";
import type { FriendLists, ListMarks } from "../lib/common/api_types.ts";
import { ChatStore, type ChatStoreApi } from "./chat_store.ts";
import { followLists } from "./follow_lists.ts";
import { welcomedClient } from "./testing/welcomed_client.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";
const NO_FRIENDS: FriendLists = { friends: [], incoming: [], outgoing: [], blocked: [] };

/** A client on fake sockets, a store whose reads are counted, and a welcome sender. */
function setup() {
  const { client, welcome: welcomeWith, reconnect: reconnectWith } = welcomedClient();
  const reads: string[] = [];
  const api = {
    listConversations: () => (reads.push("rooms"), Promise.resolve({ conversations: [] })),
    discoverRooms: () => Promise.resolve({ rooms: [] }),
    listFriends: () => (reads.push("friends"), Promise.resolve(NO_FRIENDS)),
  } as Partial<ChatStoreApi> as ChatStoreApi;
  const store = new ChatStore({
    discover: { rooms: [] },
    conversations: { conversations: [] },
    profile: { id: "u1", name: "ada", displayName: "ada", status: "" },
    friends: NO_FRIENDS,
  }, { api });
  const welcome = (lists: ListMarks) => welcomeWith({ lists });
  const reconnect = (lists: ListMarks) => reconnectWith({ lists });
  return { client, store, reads, welcome, reconnect };
}

Deno.test("followLists() reads again after the first welcome only the lists whose mark is newer than the page's", () => {
  const page: ListMarks = { rooms: V1, friends: V1 };
  const cases: [ListMarks, string[]][] = [
    [{ rooms: V2, friends: V1 }, ["rooms"]],
    [{ rooms: V1, friends: V2 }, ["friends"]],
    [{ rooms: V2, friends: V2 }, ["rooms", "friends"]],
    // No change since the render: a page load reads nothing.
    [{ rooms: V1, friends: V1 }, []],
  ];
  for (const [marks, expected] of cases) {
    const { client, store, reads, welcome } = setup();
    const stop = followLists(client, store, page);
    client.connect();
    welcome(marks);
    assert.deepEqual(reads, expected, JSON.stringify(marks));
    stop();
    client.close();
  }
  // A page that never had a change, welcomed by a connect that saw none.
  const { client, store, reads, welcome } = setup();
  const stop = followLists(client, store, { rooms: "", friends: "" });
  client.connect();
  welcome({ rooms: "", friends: "" });
  assert.deepEqual(reads, []);
  stop();
  client.close();
});

Deno.test("followLists() goes by the first welcome only (after a reconnect the island reads both lists itself)", () => {
  const { client, store, reads, welcome, reconnect } = setup();
  const stop = followLists(client, store, { rooms: V1, friends: V1 });
  client.connect();
  welcome({ rooms: V1, friends: V1 });
  reconnect({ rooms: V2, friends: V2 });
  assert.deepEqual(reads, []);
  stop();
  client.close();
});

Deno.test("followLists() started once the page is online goes by the welcome it missed", () => {
  // The app services' chunk came after the first welcome.
  const { client, store, reads, welcome } = setup();
  client.connect();
  welcome({ rooms: V2, friends: V1 });
  const stop = followLists(client, store, { rooms: V1, friends: V1 });
  assert.deepEqual(reads, ["rooms"]);
  stop();
  client.close();
});
