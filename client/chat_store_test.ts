import assert from "node:assert/strict";
import type {
  Conversation,
  ConversationPage,
  DirectRoom,
  DiscoverPage,
  FriendLists,
  PublicProfile,
  RoomSummary,
  UserEvent,
} from "../lib/common/api_types.ts";
import { ChatStore, type ChatStoreApi, type ChatStoreInit } from "./chat_store.ts";
import { followSelection, listOnActivity } from "./conversation_lookup.ts";
import { signal } from "@preact/signals";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { ApiRequestError } from "./rooms_api.ts";

const NOW = 1_000_000;

const room = (id: string, createdAt = 1, extra: Partial<RoomSummary> = {}): RoomSummary => ({
  id,
  name: `room ${id}`,
  topic: "",
  createdAt,
  ...extra,
});
const person = (id: string, displayName = id): PublicProfile => ({
  id,
  name: id,
  displayName,
  status: "",
});
const dm = (id: string, peer: PublicProfile): DirectRoom => ({ id, peer, createdAt: 5 });
const group = (summary: RoomSummary, activity: number): Conversation => ({
  room: { ...summary, kind: "group" },
  activity,
});
const direct = (item: DirectRoom, activity: number): Conversation => ({
  room: {
    id: item.id,
    name: item.peer.displayName,
    topic: item.peer.status,
    createdAt: item.createdAt,
    kind: "direct",
    peer: item.peer,
  },
  activity,
});
const noFriends: FriendLists = { friends: [], incoming: [], outgoing: [], blocked: [] };
const me = person("me");

/** The island's props: the first conversation page and the first Discover page. */
function init(options: {
  listed?: Conversation[];
  next?: string;
  discover?: RoomSummary[];
  discoverCursor?: string;
}): ChatStoreInit {
  const discover: DiscoverPage = { rooms: options.discover ?? [] };
  if (options.discoverCursor) discover.nextCursor = options.discoverCursor;
  const conversations: ConversationPage = { conversations: options.listed ?? [] };
  if (options.next) conversations.nextCursor = options.next;
  return { discover, conversations, profile: me, friends: noFriends };
}

/** Group rooms listed on the first page, the first one the most recently active. */
const groups = (...rooms: RoomSummary[]) => rooms.map((item, i) => group(item, 100 - i));

/** An API whose every call fails unless the test gives it. */
function fakeApi(calls: Partial<ChatStoreApi> = {}): ChatStoreApi {
  const unexpected = () => Promise.reject(new Error("unexpected call"));
  return {
    listConversations: unexpected,
    discoverRooms: unexpected,
    createRoom: unexpected,
    joinRoom: unexpected,
    leaveRoom: unexpected,
    openDm: unexpected,
    listFriends: unexpected,
    ...calls,
  };
}

function store(props: ChatStoreInit, api: Partial<ChatStoreApi> = {}): ChatStore {
  return new ChatStore(props, { api: fakeApi(api), now: () => NOW });
}

/** Lets every settled promise's callbacks run. */
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);
const listedIds = (chat: ChatStore) => chat.conversations.value.map((item) => item.room.id);

/** A promise and the function that settles it, to hold an API answer back. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => resolve = done);
  return { promise, resolve };
}

Deno.test("ChatStore derives joined rooms and DMs from the conversations of the page", () => {
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: [group(room("old", 1), 50), direct(bob, 40)] }));
  assert.deepEqual(ids(chat.joined.value), ["old"]);
  assert.deepEqual(chat.dms.value, [bob]);
  assert.deepEqual(listedIds(chat), ["old", "dm_b"]);
});

Deno.test("ChatStore.joined lists group rooms newest first, whatever the order they came in", () => {
  const chat = store(init({ listed: [group(room("a", 1), 9), group(room("b", 9), 5)] }));
  chat.roomJoined(room("c", 4));
  assert.deepEqual(ids(chat.joined.value), ["b", "c", "a"]);
});

Deno.test("ChatStore.shown is the selected room, else the newest loaded room, else none", () => {
  const chat = store(init({ listed: groups(room("b", 1), room("a", 2)) }));
  assert.equal(chat.shown.value?.room.id, "a");
  chat.select("b");
  assert.equal(chat.shown.value?.room.id, "b");
  assert.equal(store(init({})).shown.value, null);
});

Deno.test("ChatStore.shown is none while a linked room not loaded is looked up, then that room", () => {
  const chat = store(init({ listed: groups(room("a", 2)) }));
  chat.selectedId.value = "far";
  assert.equal(chat.unknownSelected.value, "far");
  assert.equal(chat.shown.value, null, "not another room meanwhile: it would be marked read");
  chat.conversationFound(group(room("far", 1), 3));
  assert.equal(chat.unknownSelected.value, null);
  assert.equal(chat.shownId.value, "far");
  assert.deepEqual(listedIds(chat), ["a"], "shown, not listed");
});

Deno.test("ChatStore.shown falls back to the newest loaded room for a room the user is not in", () => {
  const chat = store(init({ listed: groups(room("a", 2)) }));
  chat.selectedId.value = "not-mine";
  chat.roomRemoved("not-mine");
  assert.equal(chat.unknownSelected.value, null);
  assert.equal(chat.shown.value?.room.id, "a");
});

Deno.test("ChatStore.shown shows a selected DM as its peer", () => {
  const peer = { ...person("bob", "Bob B."), status: "away", avatarUrl: "/a/bob" };
  const chat = store(init({ listed: [group(room("a"), 1), direct(dm("dm_b", peer), 2)] }));
  assert.equal(chat.shown.value?.room.id, "a", "a group room comes before any DM");
  chat.select("dm_b");
  assert.deepEqual(chat.shown.value, {
    room: { id: "dm_b", name: "Bob B.", topic: "away", createdAt: 5, avatarUrl: "/a/bob" },
    peer,
  });
});

Deno.test("ChatStore.select() closes the drawer; setting selectedId alone does not", () => {
  const chat = store(init({ listed: groups(room("a"), room("b")) }));
  chat.menuOpen.value = true;
  chat.selectedId.value = "b";
  assert.equal(chat.menuOpen.value, true);
  chat.select("a");
  assert.equal(chat.menuOpen.value, false);
});

Deno.test("ChatStore.shownId changes only when another room is shown", () => {
  const chat = store(init({ listed: groups(room("a", 2), room("b", 1)) }));
  const seen: (string | null)[] = [];
  const stop = chat.shownId.subscribe((id) => seen.push(id));
  chat.selectedId.value = "a";
  chat.roomJoined(room("a", 2, { name: "renamed" }));
  chat.select("b");
  stop();
  assert.deepEqual(seen, ["a", "b"]);
});

Deno.test("ChatStore.shownRoomChanged() closes the settings panel and clears the room error", () => {
  const chat = store(init({}));
  chat.settingsOpen.value = true;
  chat.roomError.value = "no";
  chat.shownRoomChanged();
  assert.equal(chat.settingsOpen.value, false);
  assert.equal(chat.roomError.value, null);
});

Deno.test("ChatStore.roomJoined() lists a new room at the top and takes it out of Discover", () => {
  const chat = store(init({ listed: [group(room("a"), 50)], discover: [room("x"), room("y")] }));
  chat.roomJoined(room("x"));
  assert.deepEqual(chat.conversations.value.find((item) => item.room.id === "x"), {
    room: { ...room("x"), kind: "group" },
    activity: NOW,
  });
  assert.deepEqual(ids(chat.joined.value), ["a", "x"]);
  assert.deepEqual(ids(chat.discover.value), ["y"]);
});

Deno.test("ChatStore.roomJoined() lists a room a link showed, at the top", () => {
  const chat = store(init({}));
  chat.conversationFound(group(room("far"), 3));
  chat.roomJoined(room("far", 1, { name: "far, renamed" }));
  assert.deepEqual(chat.conversations.value, [
    { room: { ...room("far", 1, { name: "far, renamed" }), kind: "group" }, activity: NOW },
  ]);
});

Deno.test("ChatStore.roomJoined() shows a rename in the list, the joined rooms and the header", () => {
  const last = { seq: 3, at: 40, author: "ada", from: "u1", preview: "hi" };
  const chat = store(
    init({ listed: [{ ...group(room("a", 1, { avatarUrl: "/pic" }), 40), last }] }),
  );
  chat.selectedId.value = "a";
  chat.roomJoined(room("a", 1, { name: "renamed", topic: "new topic" }));
  const renamed = { ...room("a", 1, { name: "renamed", topic: "new topic" }), kind: "group" };
  assert.deepEqual(chat.conversations.value, [{ room: renamed, activity: 40, last }]);
  assert.deepEqual(chat.joined.value, [renamed]);
  assert.deepEqual(chat.shown.value?.room, renamed, "the removed picture is gone too");
});

Deno.test("ChatStore.dmOpened() lists a new DM at the top, once", () => {
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: [group(room("a"), 50)] }));
  chat.dmOpened(bob);
  chat.dmOpened(bob);
  assert.deepEqual(listedIds(chat), ["a", "dm_b"]);
  assert.equal(chat.conversations.value[1]?.activity, NOW);
  assert.deepEqual(chat.dms.value, [bob]);
});

Deno.test("ChatStore.dmOpened() keeps a listed DM's place and takes the peer's profile", () => {
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: [direct(bob, 30)] }));
  const renamed = dm("dm_b", person("bob", "Robert"));
  chat.dmOpened(renamed);
  assert.equal(chat.conversations.value[0]?.activity, 30);
  assert.deepEqual(chat.dms.value, [renamed]);
});

Deno.test("ChatStore.roomLeft() drops the room everywhere and shows the next loaded room", () => {
  const chat = store(init({ listed: [group(room("a", 2), 50), group(room("b", 1), 40)] }));
  chat.select("a");
  chat.roomLeft("a");
  assert.deepEqual(ids(chat.joined.value), ["b"]);
  assert.deepEqual(listedIds(chat), ["b"]);
  assert.equal(chat.selectedId.value, null);
  assert.equal(chat.shown.value?.room.id, "b");
});

Deno.test("ChatStore.roomLeft() of the last group room shows the newest DM, not an empty pane", () => {
  const older = { ...dm("dm_b", person("bob")), createdAt: 5 };
  const newer = { ...dm("dm_c", person("carol")), createdAt: 9 };
  const chat = store(init({ listed: [group(room("a"), 3), direct(older, 2), direct(newer, 1)] }));
  chat.select("a");
  chat.roomLeft("a");
  assert.equal(chat.shown.value?.room.id, "dm_c");
  assert.equal(chat.shown.value?.peer?.id, "carol");
});

Deno.test("ChatStore.profileChanged() updates the own profile and every DM with that peer", () => {
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: [direct(bob, 30)] }));
  chat.select("dm_b");
  const changed = { ...person("bob", "Robert"), avatarUrl: "/a/2" };
  chat.profileChanged(changed);
  assert.deepEqual(chat.dms.value[0]?.peer, changed);
  const listed = chat.conversations.value[0]?.room;
  assert.equal(listed?.kind === "direct" && listed.peer.displayName, "Robert");
  assert.equal(chat.shown.value?.room.name, "Robert");
  assert.equal(chat.shown.value?.room.avatarUrl, "/a/2");
  assert.equal(chat.profile.value, me, "someone else's profile is not the own one");
  const mine = person("me", "Me, renamed");
  chat.profileChanged(mine);
  assert.equal(chat.profile.value, mine);
});

Deno.test("ChatStore.profileChanged() keeps a secret chat with that peer encrypted", () => {
  const listedSecret = direct(dm("dm_s", person("bob")), 30);
  const secret = { ...listedSecret, room: { ...listedSecret.room, encrypted: true as const } };
  const chat = store(init({ listed: [secret] }));
  chat.profileChanged({ ...person("bob"), deleted: true });
  const listed = chat.conversations.value[0]?.room;
  assert.equal(listed?.encrypted, true);
  assert.equal(listed?.kind === "direct" && listed.peer.deleted, true);
});

Deno.test("ChatStore.replaceLists() replaces the listed conversations and keeps a room a link showed", () => {
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: [group(room("a"), 50), direct(bob, 40)], next: "c1" }));
  chat.addConversationPage({ conversations: [group(room("z"), 1)] });
  chat.selectedId.value = "far";
  chat.conversationFound(group(room("far"), 0));
  chat.replaceLists({ rooms: [room("x")] }, {
    conversations: [group(room("b"), 60)],
    nextCursor: "c2",
  });
  assert.deepEqual(ids(chat.joined.value), ["b", "far"]);
  assert.deepEqual(chat.dms.value, []);
  assert.deepEqual(listedIds(chat), ["b"], "only the fresh first page is listed");
  assert.equal(chat.shown.value?.room.id, "far", "the shown room stays: no lookup, no flash");
  assert.equal(chat.conversationsCursor.value, "c2");
  assert.deepEqual(ids(chat.discover.value), ["x"]);
  assert.equal(chat.discoverCursor.value, undefined);
});

Deno.test("ChatStore.addConversationPage() lists unseen conversations and keeps listed ones", () => {
  const last = { seq: 9, at: 70, author: "ada", from: "u1", preview: "live" };
  const chat = store(init({ listed: [group(room("a"), 70)] }));
  chat.conversationFound(group(room("far"), 5));
  chat.addConversationPage({
    conversations: [{ ...group(room("a"), 10), last }, group(room("far"), 5)],
    nextCursor: "c3",
  });
  assert.deepEqual(chat.conversations.value.map((item) => [item.room.id, item.activity]), [
    ["a", 70],
    ["far", 5],
  ]);
  assert.equal(chat.conversationsCursor.value, "c3");
});

Deno.test("ChatStore.addDiscoverPage() skips rooms already joined or listed", () => {
  const chat = store(
    init({ listed: groups(room("a")), discover: [room("x")], discoverCursor: "d1" }),
  );
  chat.addDiscoverPage({ rooms: [room("a"), room("x"), room("y")] });
  assert.deepEqual(ids(chat.discover.value), ["x", "y"]);
  assert.equal(chat.discoverCursor.value, undefined);
});

Deno.test("ChatStore.refresh() drops an answer overtaken by a later refresh, and keeps the changes taken during the later read", async () => {
  const answers = [deferred<ConversationPage>(), deferred<ConversationPage>()];
  let call = 0;
  const chat = store(init({}), {
    listConversations: () => answers[call++]!.promise,
    discoverRooms: () => Promise.resolve({ rooms: [] }),
  });
  const first = chat.refresh();
  chat.roomJoined(room("early"));
  const second = chat.refresh();
  chat.roomJoined(room("late"));
  // The second read began after "early" was joined: its answer has it, as it is now.
  answers[1]!.resolve({ conversations: groups(room("new"), room("early", 2)) });
  await second;
  answers[0]!.resolve({ conversations: [group(room("stale"), 1)] });
  await first;
  assert.deepEqual(ids(chat.joined.value).toSorted(), ["early", "late", "new"]);
  assert.equal(chat.joined.value.find((item) => item.id === "early")?.createdAt, 2);
});

Deno.test("ChatStore.refresh() keeps the live changes taken while its read was in flight", async () => {
  // The read's answer was made before Bob added her to "new", opened a DM, removed her from
  // "gone", muted her in "kept" and renamed it: the events came in while it was on its way.
  const answer = deferred<ConversationPage>();
  const bob = dm("dm_b", person("bob"));
  const chat = store(init({ listed: groups(room("gone"), room("kept")) }), {
    listConversations: () => answer.promise,
    discoverRooms: () => Promise.resolve({ rooms: [room("new"), room("other")] }),
  });
  const refreshed = chat.refresh();
  chat.roomJoined(room("new"));
  chat.dmOpened(bob);
  chat.roomRemoved("gone");
  chat.mutedChanged("kept", { by: "bob" });
  chat.roomJoined(room("kept", 1, { name: "renamed" }));
  answer.resolve({ conversations: groups(room("gone"), room("kept")) });
  await refreshed;
  assert.deepEqual(listedIds(chat).toSorted(), ["dm_b", "kept", "new"]);
  assert.deepEqual(chat.dms.value, [bob]);
  assert.deepEqual(chat.mutedIn("kept"), { by: "bob" });
  assert.equal(chat.joined.value.find((item) => item.id === "kept")?.name, "renamed");
  assert.deepEqual(ids(chat.discover.value), ["other"], "a room joined is not in Discover");
  assert.equal(chat.conversations.value.find((item) => item.room.id === "kept")?.activity, 99);
});

Deno.test("ChatStore.refresh() takes its answer over changes made before its read began", async () => {
  // She left "back" and was added to it again before the read: the answer lists it.
  const answer = deferred<ConversationPage>();
  const chat = store(init({ listed: groups(room("back")) }), {
    listConversations: () => answer.promise,
    discoverRooms: () => Promise.resolve({ rooms: [] }),
  });
  chat.roomRemoved("back");
  const refreshed = chat.refresh();
  answer.resolve({ conversations: groups(room("back")) });
  await refreshed;
  assert.deepEqual(listedIds(chat), ["back"]);
});

Deno.test("ChatStore.refresh() reports a failure in the sidebar", async () => {
  const chat = store(init({ listed: groups(room("a")) }), {
    listConversations: () => Promise.reject(new Error("offline")),
    discoverRooms: () => Promise.resolve({ rooms: [] }),
  });
  await chat.refresh();
  assert.equal(chat.sidebarError.value, "offline");
  assert.deepEqual(ids(chat.joined.value), ["a"]);
});

Deno.test("ChatStore.refreshFriends() takes the new lists and keeps the old ones on failure", async () => {
  const lists = { ...noFriends, friends: [{ ...person("bob"), online: true }] };
  let answer: Promise<FriendLists> = Promise.resolve(lists);
  const chat = store(init({}), { listFriends: () => answer });
  await chat.refreshFriends();
  assert.equal(chat.friends.value, lists);
  answer = Promise.reject(new Error("offline"));
  await chat.refreshFriends();
  assert.equal(chat.friends.value, lists);
  assert.equal(chat.sidebarError.value, null);
});

Deno.test("ChatStore.refreshFriends() drops an answer overtaken by a later refresh", async () => {
  // A friend request's notice reads the lists; its acceptance's notice reads them again, and
  // the first answer (request pending, no friend) comes in last.
  const pending = { ...noFriends, incoming: [{ user: person("alice"), note: "", at: 1 }] };
  const friends = { ...noFriends, friends: [{ ...person("alice"), online: true }] };
  const answers = [deferred<FriendLists>(), deferred<FriendLists>()];
  let call = 0;
  const chat = store(init({}), { listFriends: () => answers[call++]!.promise });
  const first = chat.refreshFriends();
  const second = chat.refreshFriends();
  answers[1]!.resolve(friends);
  await second;
  answers[0]!.resolve(pending);
  await first;
  assert.equal(chat.friends.value, friends);
});

Deno.test("ChatStore.loadMoreConversations() loads one page at a time, and none after the last", async () => {
  const page = deferred<ConversationPage>();
  const cursors: (string | undefined)[] = [];
  const chat = store(init({ next: "c1" }), {
    listConversations: (cursor) => {
      cursors.push(cursor);
      return page.promise;
    },
  });
  const loading = chat.loadMoreConversations();
  assert.equal(chat.loadingMore.value, true);
  await chat.loadMoreConversations();
  page.resolve({ conversations: [group(room("b"), 3)] });
  await loading;
  await chat.loadMoreConversations();
  assert.deepEqual(cursors, ["c1"]);
  assert.equal(chat.loadingMore.value, false);
  assert.deepEqual(listedIds(chat), ["b"]);
});

Deno.test("ChatStore.loadMoreDiscover() appends the next page and reports a failure", async () => {
  let fail = false;
  const chat = store(init({ discover: [room("x")], discoverCursor: "d1" }), {
    discoverRooms: (cursor) =>
      fail
        ? Promise.reject(new Error("try later"))
        : Promise.resolve({ rooms: [room(`after-${cursor}`)], nextCursor: "d2" }),
  });
  await chat.loadMoreDiscover();
  assert.deepEqual(ids(chat.discover.value), ["x", "after-d1"]);
  fail = true;
  await chat.loadMoreDiscover();
  assert.equal(chat.sidebarError.value, "try later");
  assert.equal(chat.loadingDiscover.value, false);
  assert.equal(chat.discoverCursor.value, "d2");
});

Deno.test("ChatStore.joinRoom() shows the joined room, and on refusal says why", async () => {
  let refuse = false;
  const chat = store(init({ discover: [room("x")] }), {
    joinRoom: (id) => refuse ? Promise.reject(new Error("banned")) : Promise.resolve(room(id)),
  });
  chat.menuOpen.value = true;
  const joining = chat.joinRoom("x");
  assert.equal(chat.joining.value, "x");
  assert.deepEqual(await joining, room("x"));
  assert.equal(chat.joining.value, null);
  assert.equal(chat.shown.value?.room.id, "x");
  assert.equal(chat.menuOpen.value, false);
  assert.deepEqual(chat.discover.value, []);
  refuse = true;
  assert.equal(await chat.joinRoom("y"), null);
  assert.equal(chat.sidebarError.value, "banned");
  assert.equal(chat.shown.value?.room.id, "x");
});

Deno.test("ChatStore.createRoom() sends no empty topic, shows the room and throws a refusal", async () => {
  const asked: unknown[] = [];
  let refuse = false;
  const chat = store(init({}), {
    createRoom: (name, topic, visibility) => {
      asked.push([name, topic, visibility]);
      return refuse ? Promise.reject(new Error("too many")) : Promise.resolve(room("n"));
    },
  });
  await chat.createRoom("new", "", "private");
  assert.deepEqual(asked, [["new", undefined, "private"]]);
  assert.equal(chat.shown.value?.room.id, "n");
  assert.deepEqual(listedIds(chat), ["n"]);
  refuse = true;
  await assert.rejects(chat.createRoom("again", "t", "public"), /too many/);
});

Deno.test("ChatStore.messageFriend() opens the DM and shows it, and on refusal says why", async () => {
  const bob = person("bob");
  let refuse = false;
  const chat = store(init({}), {
    openDm: (username) =>
      refuse ? Promise.reject(new Error("blocked")) : Promise.resolve(dm(`dm_${username}`, bob)),
  });
  assert.deepEqual(await chat.messageFriend(bob), dm("dm_bob", bob));
  assert.equal(chat.shown.value?.peer, bob);
  assert.deepEqual(listedIds(chat), ["dm_bob"]);
  refuse = true;
  assert.equal(await chat.messageFriend(person("eve")), null);
  assert.equal(chat.sidebarError.value, "blocked");
});

Deno.test("ChatStore.leaveRoom() drops the room and reads the lists again", async () => {
  const lists = deferred<DiscoverPage>();
  const chat = store(init({ listed: groups(room("a", 2), room("b", 1)) }), {
    leaveRoom: () => Promise.resolve(),
    discoverRooms: () => lists.promise,
    listConversations: () => Promise.resolve({ conversations: [group(room("b", 1), 5)] }),
  });
  chat.select("a");
  assert.equal(await chat.leaveRoom("a"), true);
  assert.deepEqual(ids(chat.joined.value), ["b"]);
  assert.equal(chat.shown.value?.room.id, "b");
  lists.resolve({ rooms: [room("a", 2)] });
  await flushPromises();
  assert.deepEqual(ids(chat.discover.value), ["a"]);
});

Deno.test("ChatStore.leaveRoom() keeps the room when the server refuses, and says why", async () => {
  const chat = store(init({ listed: groups(room("a")) }), {
    leaveRoom: () => Promise.reject(new Error("owners cannot leave")),
  });
  chat.select("a");
  assert.equal(await chat.leaveRoom("a"), false);
  assert.equal(chat.roomError.value, "owners cannot leave");
  assert.equal(chat.shown.value?.room.id, "a");
});

Deno.test("ChatStore.mutedChanged() marks and clears the user's mute in a listed room", () => {
  const lobby = room("lobby");
  const chat = store(init({ listed: [group(lobby, 5)] }));
  assert.equal(chat.mutedIn("lobby"), null);
  chat.mutedChanged("lobby", { by: "olga" });
  assert.deepEqual(chat.mutedIn("lobby"), { by: "olga" });
  chat.mutedChanged("lobby", null);
  assert.equal(chat.mutedIn("lobby"), null);
});

Deno.test("ChatStore.discoverChanged() lists a new public room first, updates it, drops it, and skips rooms the user is in", () => {
  const lobby = room("lobby");
  const chat = store(init({ listed: groups(lobby), discover: [room("old")] }));
  chat.discoverChanged("new", room("new", 9, { name: "fresh" }));
  assert.deepEqual(ids(chat.discover.value), ["new", "old"]);
  chat.discoverChanged("new", room("new", 9, { name: "renamed" }));
  assert.deepEqual(chat.discover.value.map((item) => item.name), ["renamed", "room old"]);
  chat.discoverChanged("lobby", lobby);
  assert.deepEqual(ids(chat.discover.value), ["new", "old"], "a joined room is not discovered");
  chat.discoverChanged("new", null);
  assert.deepEqual(ids(chat.discover.value), ["old"]);
});

Deno.test("followSelection() looks up a linked room once, shows it, and falls back when the user is not in it", async () => {
  const chat = store(init({ listed: groups(room("a")) }));
  const asked: string[] = [];
  const answers = new Map([["far", deferred<Conversation>()]]);
  const stop = followSelection(chat, () => undefined, (id) => {
    asked.push(id);
    return answers.get(id)?.promise ??
      Promise.reject(new ApiRequestError("refusal.noSuchRoom", 404));
  });
  chat.selectedId.value = "far";
  chat.roomJoined(room("other"));
  assert.deepEqual(asked, ["far"], "asked once, even when the lists change meanwhile");
  answers.get("far")!.resolve(group(room("far"), 3));
  await flushPromises();
  assert.equal(chat.shown.value?.room.id, "far");
  chat.selectedId.value = "not-mine";
  await flushPromises();
  assert.equal(chat.shown.value?.room.id, "a", "the newest loaded room");
  chat.selectedId.value = "far";
  chat.selectedId.value = "not-mine";
  assert.deepEqual(asked, ["far", "not-mine"], "neither asked again");
  assert.equal(chat.sidebarError.value, null);
  stop();
});

Deno.test("followSelection() reports a failed lookup and tries again when the lists change", async () => {
  const chat = store(init({ listed: groups(room("a")) }));
  let fail = true;
  const stop = followSelection(
    chat,
    () => undefined,
    () => fail ? Promise.reject(new Error("offline")) : Promise.resolve(group(room("far"), 3)),
  );
  chat.selectedId.value = "far";
  await flushPromises();
  assert.equal(chat.sidebarError.value, "offline");
  assert.equal(chat.shown.value, null);
  fail = false;
  chat.replaceLists({ rooms: [] }, { conversations: groups(room("a")) });
  await flushPromises();
  assert.equal(chat.shownId.value, "far");
  stop();
});

Deno.test("followSelection() lists a linked conversation at the top once a newer message arrives in it", async () => {
  const bob = dm("dm_b", person("bob"));
  const last = { seq: 4, at: 3, author: "bob", from: "bob", preview: "old" };
  const newest = signal<ChatMessage | undefined>(undefined);
  const chat = store(init({ listed: groups(room("a")) }));
  const stop = followSelection(
    chat,
    (id) => id === "dm_b" ? newest.value : undefined,
    () => Promise.resolve({ ...direct(bob, 3), last }),
  );
  chat.selectedId.value = "dm_b";
  await flushPromises();
  assert.equal(chat.shown.value?.peer?.id, "bob");
  newest.value = message(4);
  assert.deepEqual(listedIds(chat), ["a"], "the message the answer had is not news");
  newest.value = message(5);
  assert.deepEqual(listedIds(chat), ["a", "dm_b"]);
  assert.equal(chat.conversations.value[1]?.activity, NOW, "at the top");
  stop();
});

/** A message from Bob with sequence number `seq`. */
function message(seq: number): ChatMessage {
  return {
    seq,
    room: "dm_b",
    from: "bob",
    author: "bob",
    text: `m${seq}`,
    at: 10 + seq,
  } as ChatMessage;
}

Deno.test("listOnActivity() lists a conversation with news at the top once, with its read state, and leaves out one the user is not in", async () => {
  const chat = store(init({ listed: groups(room("a")) }));
  let notify: (event: UserEvent) => void = () => {};
  const readStates: string[] = [];
  const client = {
    onUserEvent(listener: (event: UserEvent) => void) {
      notify = listener;
      return () => notify = () => {};
    },
    takeReadStates(conversations: readonly Conversation[]) {
      for (const c of conversations) readStates.push(`${c.room.id}@${c.read?.seq}`);
    },
  };
  const asked: string[] = [];
  const old = deferred<Conversation>();
  const stop = listOnActivity(client, chat, (id) => {
    asked.push(id);
    return id === "old"
      ? old.promise
      : Promise.reject(new ApiRequestError("refusal.noSuchRoom", 404));
  });
  notify({ kind: "activity", roomId: "old" });
  notify({ kind: "activity", roomId: "old" });
  notify({ kind: "activity", roomId: "gone" });
  notify({ kind: "friends_changed" });
  assert.deepEqual(asked, ["old", "gone"], "one lookup at a time per room");
  const read = { seq: 4, unread: 1, mentions: 0, more: false };
  old.resolve({ ...group(room("old"), 3), read });
  await flushPromises();
  assert.deepEqual(
    chat.conversations.value.toSorted((x, y) => y.activity - x.activity).map((c) => c.room.id),
    ["old", "a"],
  );
  assert.deepEqual(readStates, ["old@4"]);
  assert.equal(chat.sidebarError.value, null);
  stop();
  notify({ kind: "activity", roomId: "later" });
  assert.deepEqual(asked, ["old", "gone"]);
});
